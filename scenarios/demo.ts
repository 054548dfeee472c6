/**
 * Demo scenarios: small worlds that exercise the kernel end to end (a
 * handful of nodes calling each other over labrpc). They are what a new user
 * runs first, and what the determinism tests and hash pins use.
 */
import { defineScenario, type ScenarioContext } from '../sim/scenario.ts';
import { sleep, type Co } from '../sim/task.ts';
import { pinger, type PingState } from '../sim/testkit.ts';
import { ms } from '../sim/node.ts';
import type { Host } from '../sim/host.ts';

function* pingWorld(t: ScenarioContext, n: number, limit: number, reliable: boolean): Co<Host<PingState>[]> {
  const net = t.world.network;
  net.setReliable(reliable);
  const hosts: Host<PingState>[] = [];
  for (let i = 0; i < n; i++) {
    const ends = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const end = net.makeEnd(`${i}->${j}`);
      net.connect(end, String(j));
      net.enable(end, true);
      ends.push(end);
    }
    const host = t.world.startNode({ name: String(i), def: pinger, config: { me: i, peers: n, limit }, ends });
    net.addServer(String(i), host);
    hosts.push(host);
  }
  yield* sleep(0);
  return hosts;
}

function* waitAllDone(t: ScenarioContext, hosts: Host<PingState>[], limitUs: number): Co<void> {
  const start = t.world.nowUs;
  while (hosts.some((h) => h.state.received < h.state.limit)) {
    if (t.world.nowUs - start > limitUs) {
      t.fail(`not all calls completed within ${limitUs / 1e6} s: ${hosts.map((h) => `${h.name}:${h.state.received}`).join(' ')}`);
    }
    yield* sleep(ms(10));
  }
}

defineScenario({
  name: 'demo/ping',
  description: '5 nodes each make 200 calls to random peers over a reliable network; all complete',
  *run(t) {
    const hosts = yield* pingWorld(t, 5, 200, true);
    yield* waitAllDone(t, hosts, 1_000_000);
    const total = hosts.reduce((a, h) => a + h.state.received, 0);
    t.check(total === 1000, `expected 1000 completed calls, got ${total}`);
    t.check(t.world.network.getTotalCount() === 1000, `expected 1000 RPCs sent, got ${t.world.network.getTotalCount()}`);
  },
});

defineScenario({
  name: 'demo/unreliable-ping',
  description: '5 nodes make 200 calls each over an unreliable network; about 19% fail, the rest complete with delays',
  *run(t) {
    const hosts = yield* pingWorld(t, 5, 200, false);
    yield* waitAllDone(t, hosts, 60_000_000);
    let ok = 0;
    for (let i = 0; i < 5; i++) ok += t.world.network.getCount(String(i));
    // Every dispatched request ran a handler; 10% of requests were dropped before dispatch.
    t.check(ok > 800 && ok < 990, `expected about 900 dispatched requests, got ${ok}`);
    t.sometimes('virtual time passed', t.world.nowUs > 0);
  },
});
