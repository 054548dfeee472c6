/**
 * Lab 3D, log compaction (spec §5.4): the five snapcommon tests,
 * TestSnapshotAllCrash3D and TestSnapshotInit3D. The tester's applier
 * snapshots every SNAPSHOT_INTERVAL entries from inside the apply.
 */
import { defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import { SNAPSHOT_INTERVAL } from './applied.ts';
import { MAX_LOG_SIZE, makeConfig, randInt } from './config.ts';

/**
 * 30 iterations on 3 servers: optionally disconnect or crash a follower (or,
 * one iteration in three, the leader), send 5–14 Starts that may need a
 * snapshot, check the Raft state stays under MAX_LOG_SIZE, and bring the
 * victim back (by InstallSnapshot, or by restarting from its snapshot).
 */
function* snapcommon(t: ScenarioContext, name: string, disconnect: boolean, reliable: boolean, crash: boolean): Co<void> {
  const iters = 30;
  const servers = 3;
  const c = makeConfig(t, servers, !reliable, true);
  c.begin(name);

  yield* c.one(randInt(t.rng), servers, true);
  let leader1 = yield* c.checkOneLeader();

  for (let i = 0; i < iters; i++) {
    let victim = (leader1 + 1) % servers;
    let sender = leader1;
    if (i % 3 === 1) {
      sender = (leader1 + 1) % servers;
      victim = leader1;
    }

    if (disconnect) {
      c.disconnect(victim);
      yield* c.one(randInt(t.rng), servers - 1, true);
    }
    if (crash) {
      c.crash1(victim);
      yield* c.one(randInt(t.rng), servers - 1, true);
    }

    // perhaps send enough to get a snapshot
    const nn = SNAPSHOT_INTERVAL / 2 + t.rng.below(SNAPSHOT_INTERVAL);
    for (let k = 0; k < nn; k++) c.start(sender, randInt(t.rng));

    // let applier threads catch up with the Start()'s
    if (!disconnect && !crash) {
      // make sure all followers have caught up, so that an InstallSnapshot RPC isn't required for TestSnapshotBasic3D().
      yield* c.one(randInt(t.rng), servers, true);
    } else {
      yield* c.one(randInt(t.rng), servers - 1, true);
    }

    if (c.logSize() >= MAX_LOG_SIZE) c.fail('Log size too large');

    if (disconnect) {
      // reconnect a follower, who maybe behind and needs to receive a snapshot to catch up.
      c.connect(victim);
      yield* c.one(randInt(t.rng), servers, true);
      leader1 = yield* c.checkOneLeader();
    }
    if (crash) {
      c.start1(victim);
      c.connect(victim);
      yield* c.one(randInt(t.rng), servers, true);
      leader1 = yield* c.checkOneLeader();
    }
  }
  const s = c.summary();
  t.sometimes('the log was compacted', s.compactions > 0);
  if (disconnect) t.sometimes('a snapshot was installed on a lagging follower', s.snapshotApplies > 0);
  if (crash) t.sometimes('a crashed server restarted from its snapshot', s.restarts > 0);
  c.end();
  c.cleanup();
}

defineScenario({
  name: 'raft/3D/snapshot-basic',
  description: '30 rounds of 6–16 agreements on 3 connected servers; the Raft state stays under 2000 bytes',
  *run(t) {
    yield* snapcommon(t, 'Test (3D): snapshots basic', false, true, false);
  },
});

defineScenario({
  name: 'raft/3D/install',
  description: 'a follower (or the leader) disconnected each round catches up through InstallSnapshot',
  *run(t) {
    yield* snapcommon(t, 'Test (3D): install snapshots (disconnect)', true, true, false);
  },
});

defineScenario({
  name: 'raft/3D/install-unreliable',
  description: 'the install test on an unreliable network',
  *run(t) {
    yield* snapcommon(t, 'Test (3D): install snapshots (disconnect+unreliable)', true, false, false);
  },
});

defineScenario({
  name: 'raft/3D/install-crash',
  description: 'a server crashed each round restarts from its snapshot and state, then catches up',
  *run(t) {
    yield* snapcommon(t, 'Test (3D): install snapshots (crash)', false, true, true);
  },
});

defineScenario({
  name: 'raft/3D/install-uncrash',
  description: 'the install-crash test on an unreliable network',
  *run(t) {
    yield* snapcommon(t, 'Test (3D): install snapshots (unreliable+crash)', false, false, true);
  },
});

defineScenario({
  name: 'raft/3D/all-crash',
  description: '5 rounds: 6–15 agreements, crash and restart all 3 servers; the next index must not decrease',
  *run(t) {
    const servers = 3;
    const iters = 5;
    const c = makeConfig(t, servers, false, true);
    c.begin('Test (3D): crash and restart all servers');

    yield* c.one(randInt(t.rng), servers, true);

    for (let i = 0; i < iters; i++) {
      // perhaps enough to get a snapshot
      const nn = SNAPSHOT_INTERVAL / 2 + t.rng.below(SNAPSHOT_INTERVAL);
      for (let k = 0; k < nn; k++) yield* c.one(randInt(t.rng), servers, true);

      const index1 = yield* c.one(randInt(t.rng), servers, true);

      // crash all
      for (let k = 0; k < servers; k++) c.crash1(k);

      // revive all
      for (let k = 0; k < servers; k++) {
        c.start1(k);
        c.connect(k);
      }

      const index2 = yield* c.one(randInt(t.rng), servers, true);
      if (index2 < index1 + 1) c.fail(`index decreased from ${index1} to ${index2}`);
    }
    t.sometimes('servers restarted from a snapshot', c.summary().compactions > 0 && c.summary().restarts >= servers);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3D/init',
  description: 'after a snapshot at index 9, crash and restart all twice: later saves must keep the snapshot',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, true);
    c.begin('Test (3D): snapshot initialization after crash');
    yield* c.one(randInt(t.rng), servers, true);

    // enough ops to make a snapshot
    const nn = SNAPSHOT_INTERVAL + 1;
    for (let i = 0; i < nn; i++) yield* c.one(randInt(t.rng), servers, true);

    // crash all
    for (let i = 0; i < servers; i++) c.crash1(i);

    // revive all
    for (let i = 0; i < servers; i++) {
      c.start1(i);
      c.connect(i);
    }

    // a single op, to get something to be written back to persistent storage.
    yield* c.one(randInt(t.rng), servers, true);

    // crash all
    for (let i = 0; i < servers; i++) c.crash1(i);

    // revive all
    for (let i = 0; i < servers; i++) {
      c.start1(i);
      c.connect(i);
    }

    // do another op to trigger potential bug
    const index = yield* c.one(randInt(t.rng), servers, true);
    t.sometimes('agreement after two full restarts from a snapshot', index >= 14 && c.summary().compactions > 0);
    c.end();
    c.cleanup();
  },
});
