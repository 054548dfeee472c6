/**
 * Lab 3C, persistence (spec §5.3): TestPersist1/2/3, the two Figure 8 tests,
 * TestUnreliableAgree3C and the two churn tests.
 */
import { ms, type Payload } from '../../sim/node.ts';
import { defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import { joinAll, sleep, type Co, type Task } from '../../sim/task.ts';
import { ELECTION_TIMEOUT_US, makeConfig, randInt, type RaftTester } from './config.ts';

defineScenario({
  name: 'raft/3C/persist1',
  description: '3 servers survive restarting all of them, the leader, and a follower; restarted servers re-apply',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3C): basic persistence');

    yield* c.one(11, servers, true);

    // crash and re-start all
    for (let i = 0; i < servers; i++) c.start1(i);
    for (let i = 0; i < servers; i++) {
      c.disconnect(i);
      c.connect(i);
    }

    yield* c.one(12, servers, true);

    const leader1 = yield* c.checkOneLeader();
    c.disconnect(leader1);
    c.start1(leader1);
    c.connect(leader1);

    yield* c.one(13, servers, true);

    const leader2 = yield* c.checkOneLeader();
    c.disconnect(leader2);
    yield* c.one(14, servers - 1, true);
    c.start1(leader2);
    c.connect(leader2);

    yield* c.wait(4, servers, -1); // wait for leader2 to join before killing i3

    const i3 = ((yield* c.checkOneLeader()) + 1) % servers;
    c.disconnect(i3);
    yield* c.one(15, servers - 1, true);
    c.start1(i3);
    c.connect(i3);

    yield* c.one(16, servers, true);
    t.sometimes('servers restarted from their persisted state', c.summary().restarts >= servers);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3C/persist2',
  description: '5 servers, 5 rounds: restarted servers with stale logs must not win against the one with the newest entries',
  *run(t) {
    const servers = 5;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3C): more persistence');

    let index = 1;
    for (let iters = 0; iters < 5; iters++) {
      yield* c.one(10 + index, servers, true);
      index++;

      const leader1 = yield* c.checkOneLeader();

      c.disconnect((leader1 + 1) % servers);
      c.disconnect((leader1 + 2) % servers);

      yield* c.one(10 + index, servers - 2, true);
      index++;

      c.disconnect((leader1 + 0) % servers);
      c.disconnect((leader1 + 3) % servers);
      c.disconnect((leader1 + 4) % servers);

      c.start1((leader1 + 1) % servers);
      c.start1((leader1 + 2) % servers);
      c.connect((leader1 + 1) % servers);
      c.connect((leader1 + 2) % servers);

      yield* sleep(ELECTION_TIMEOUT_US);

      c.start1((leader1 + 3) % servers);
      c.connect((leader1 + 3) % servers);

      yield* c.one(10 + index, servers - 2, true);
      index++;

      c.connect((leader1 + 4) % servers);
      c.connect((leader1 + 0) % servers);
    }

    const last = yield* c.one(1000, servers, true);
    t.check(last >= 16, `the final agreement is at index ${last}, after 16 commands`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3C/persist3',
  description: 'a partitioned leader and one follower crash; the leader restarts and agrees with the third server',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3C): partitioned leader and one follower crash, leader restarts');

    yield* c.one(101, 3, true);

    const leader = yield* c.checkOneLeader();
    c.disconnect((leader + 2) % servers);

    yield* c.one(102, 2, true);

    c.crash1((leader + 0) % servers);
    c.crash1((leader + 1) % servers);
    c.connect((leader + 2) % servers);
    c.start1((leader + 0) % servers);
    c.connect((leader + 0) % servers);

    yield* c.one(103, 2, true);

    c.start1((leader + 1) % servers);
    c.connect((leader + 1) % servers);

    const index = yield* c.one(104, servers, true);
    t.sometimes('agreement on index 4 after the crashes', index === 4);

    c.end();
    c.cleanup();
  },
});

/** The sleep between Figure 8 iterations: 0–499 ms one time in ten, else 0–12 ms. */
function* figure8Pause(t: ScenarioContext): Co<void> {
  if (t.rng.below(1000) < 100) yield* sleep(ms(t.rng.below(ELECTION_TIMEOUT_US / 1000 / 2)));
  else yield* sleep(ms(t.rng.below(13)));
}

defineScenario({
  name: 'raft/3C/figure8',
  description: '5 servers, 1000 iterations: Start on every live server, crash the leader, restart one when fewer than 3 are up',
  *run(t) {
    const servers = 5;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3C): Figure 8');

    yield* c.one(randInt(t.rng), 1, true);

    let nup = servers;
    let crashedLeaders = 0;
    for (let iters = 0; iters < 1000; iters++) {
      let leader = -1;
      for (let i = 0; i < servers; i++) {
        if (c.raft(i) !== null && c.start(i, randInt(t.rng)).isLeader) leader = i;
      }

      yield* figure8Pause(t);

      if (leader !== -1) {
        c.crash1(leader);
        nup -= 1;
        crashedLeaders++;
      }

      if (nup < 3) {
        const s = t.rng.below(servers);
        if (c.raft(s) === null) {
          c.start1(s);
          c.connect(s);
          nup += 1;
        }
      }
    }

    for (let i = 0; i < servers; i++) {
      if (c.raft(i) === null) {
        c.start1(i);
        c.connect(i);
      }
    }

    yield* c.one(randInt(t.rng), servers, true);
    t.sometimes('a leader was crashed', crashedLeaders > 0);
    t.sometimes('entries were committed in several terms', c.summary().leaderTerms > 10 && c.summary().highestCommit > 1);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3C/unreliable-agree',
  description: '5 servers on an unreliable network: 49 rounds of 5 concurrent agreements, then all 5 agree',
  *run(t) {
    const servers = 5;
    const c = makeConfig(t, servers, true, false);
    c.begin('Test (3C): unreliable agreement');

    const clients: Task<number>[] = [];
    for (let iters = 1; iters < 50; iters++) {
      for (let j = 0; j < 4; j++) clients.push(t.world.go(`one-${iters}-${j}`, c.one(100 * iters + j, 1, true)));
      yield* c.one(iters, 1, true);
    }

    c.setUnreliable(false);

    yield* joinAll(clients);

    const index = yield* c.one(100, servers, true);
    t.check(index > 245, `the final agreement is at index ${index}, after 245 commands`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3C/figure8-unreliable',
  description: '5 servers, unreliable, long reordering from iteration 200: 1000 iterations of Starts and leader disconnects',
  *run(t) {
    const servers = 5;
    const c = makeConfig(t, servers, true, false);
    c.begin('Test (3C): Figure 8 (unreliable)');

    yield* c.one(t.rng.below(10000), 1, true);

    let nup = servers;
    let disconnectedLeaders = 0;
    for (let iters = 0; iters < 1000; iters++) {
      if (iters === 200) c.setLongReordering(true);
      let leader = -1;
      for (let i = 0; i < servers; i++) {
        if (c.start(i, t.rng.below(10000)).isLeader && c.connected[i]) leader = i;
      }

      yield* figure8Pause(t);

      if (leader !== -1 && t.rng.below(1000) < ELECTION_TIMEOUT_US / 1000 / 2) {
        c.disconnect(leader);
        nup -= 1;
        disconnectedLeaders++;
      }

      if (nup < 3) {
        const s = t.rng.below(servers);
        if (!c.connected[s]) {
          c.connect(s);
          nup += 1;
        }
      }
    }

    for (let i = 0; i < servers; i++) {
      if (!c.connected[i]) c.connect(i);
    }

    // Still unreliable, with long reordering (spec §9.3).
    yield* c.one(t.rng.below(10000), servers, true);
    t.sometimes('a leader was disconnected', disconnectedLeaders > 0);

    c.end();
    c.cleanup();
  },
});

/**
 * A churn client (the Go test's cfn): Starts a random value on every live
 * server, and records it if it then shows up committed at the index a server
 * gave; returns the values it saw committed.
 */
function* churnClient(t: ScenarioContext, c: RaftTester, me: number, stop: { value: boolean }): Co<number[]> {
  const values: number[] = [];
  while (!stop.value) {
    const x = randInt(t.rng);
    let index = -1;
    let ok = false;
    for (let i = 0; i < c.n; i++) {
      // try them all, maybe one of them is a leader
      if (c.raft(i) === null) continue;
      const r = c.start(i, x);
      if (r.isLeader) {
        ok = true;
        index = r.index;
      }
    }
    if (ok) {
      // maybe leader will commit our value, maybe not. but don't wait forever.
      for (const toMs of [10, 20, 50, 100, 200]) {
        const { count, command } = c.nCommitted(index);
        if (count > 0) {
          if (typeof command !== 'number') c.fail('wrong command type');
          if (command === x) values.push(x);
          break;
        }
        yield* sleep(ms(toMs));
      }
    } else {
      yield* sleep(ms(79 + me * 17));
    }
  }
  return values;
}

function* churn(t: ScenarioContext, unreliable: boolean): Co<void> {
  const servers = 5;
  const c = makeConfig(t, servers, unreliable, false);
  c.begin(unreliable ? 'Test (3C): unreliable churn' : 'Test (3C): churn');

  const stop = { value: false };

  // create concurrent clients
  const ncli = 3;
  const clients: Task<number[]>[] = [];
  for (let i = 0; i < ncli; i++) clients.push(t.world.go(`client-${i}`, churnClient(t, c, i, stop)));

  for (let iters = 0; iters < 20; iters++) {
    if (t.rng.below(1000) < 200) {
      const i = t.rng.below(servers);
      c.disconnect(i);
    }

    if (t.rng.below(1000) < 500) {
      const i = t.rng.below(servers);
      if (c.raft(i) === null) c.start1(i);
      c.connect(i);
    }

    if (t.rng.below(1000) < 200) {
      const i = t.rng.below(servers);
      if (c.raft(i) !== null) c.crash1(i);
    }

    // Make crash/restart infrequent enough that the peers can often keep up, but not so infrequent that
    // everything has settled down from one change to the next.
    yield* sleep((ELECTION_TIMEOUT_US * 7) / 10);
  }

  yield* sleep(ELECTION_TIMEOUT_US);
  c.setUnreliable(false);
  for (let i = 0; i < servers; i++) {
    if (c.raft(i) === null) c.start1(i);
    c.connect(i);
  }

  stop.value = true;

  const values: number[] = [];
  for (const vv of yield* joinAll(clients)) values.push(...vv);

  yield* sleep(ELECTION_TIMEOUT_US);

  const lastIndex = yield* c.one(randInt(t.rng), servers, true);

  const really = new Set<Payload>();
  for (let index = 1; index <= lastIndex; index++) {
    const v = yield* c.wait(index, servers, -1);
    if (typeof v !== 'number') c.fail('not an int');
    really.add(v);
  }

  for (const v1 of values) {
    if (!really.has(v1)) c.fail("didn't find a value");
  }
  t.sometimes('a client saw its value committed', values.length > 0);

  c.end();
  c.cleanup();
}

defineScenario({
  name: 'raft/3C/reliable-churn',
  description: '5 servers, 3 clients, 20 rounds of random disconnects, restarts and crashes; every value a client saw committed stays',
  *run(t) {
    yield* churn(t, false);
  },
});

defineScenario({
  name: 'raft/3C/unreliable-churn',
  description: 'the churn test on an unreliable network (reliable again for the final agreement)',
  *run(t) {
    yield* churn(t, true);
  },
});
