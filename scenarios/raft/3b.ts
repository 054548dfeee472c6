/**
 * Lab 3B, log replication (spec §5.2): the ten Go tests from
 * TestBasicAgree3B to TestCount3B, with their budgets.
 */
import type { Payload } from '../../sim/node.ts';
import { defineScenario } from '../../sim/scenario.ts';
import { joinAll, sleep, type Task } from '../../sim/task.ts';
import { ELECTION_TIMEOUT_US, makeConfig, randInt, randString } from './config.ts';

defineScenario({
  name: 'raft/3B/basic-agree',
  description: '3 servers agree on 3 commands at indexes 1, 2, 3; nothing is committed before its Start',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): basic agreement');

    const iters = 3;
    for (let index = 1; index < iters + 1; index++) {
      const nd = c.nCommitted(index).count;
      if (nd > 0) c.fail('some have committed before Start()');

      const xindex = yield* c.one(index * 100, servers, false);
      if (xindex !== index) c.fail(`got index ${xindex} but expected ${index}`);
    }

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/rpc-bytes',
  description: '10 commands of 5000 characters cost at most 3 × their size + 50,000 bytes of RPC traffic',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): RPC byte count');

    yield* c.one(99, servers, false);
    const bytes0 = c.bytesTotal();

    const iters = 10;
    let sent = 0;
    for (let index = 2; index < iters + 2; index++) {
      const cmd = randString(t.rng, 5000);
      const xindex = yield* c.one(cmd, servers, false);
      if (xindex !== index) c.fail(`got index ${xindex} but expected ${index}`);
      sent += cmd.length;
    }

    const bytes1 = c.bytesTotal();
    const got = bytes1 - bytes0;
    const expected = servers * sent;
    if (got > expected + 50000) c.fail(`too many RPC bytes; got ${got}, expected ${expected}`);
    t.sometimes('the large commands crossed the network', got >= (servers - 1) * sent);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/follower-failure',
  description: 'agreement survives one disconnected follower; with both followers gone Start is accepted but never commits',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): test progressive failure of followers');

    yield* c.one(101, servers, false);

    // disconnect one follower from the network.
    const leader1 = yield* c.checkOneLeader();
    c.disconnect((leader1 + 1) % servers);

    // the leader and remaining follower should be able to agree despite the disconnected follower.
    yield* c.one(102, servers - 1, false);
    yield* sleep(ELECTION_TIMEOUT_US);
    yield* c.one(103, servers - 1, false);

    // disconnect the remaining follower
    const leader2 = yield* c.checkOneLeader();
    c.disconnect((leader2 + 1) % servers);
    c.disconnect((leader2 + 2) % servers);

    // submit a command.
    const { index, isLeader } = c.start(leader2, 104);
    if (!isLeader) c.fail('leader rejected Start()');
    if (index !== 4) c.fail(`expected index 4, got ${index}`);

    yield* sleep(2 * ELECTION_TIMEOUT_US);

    // check that command 104 did not commit.
    const n = c.nCommitted(index).count;
    if (n > 0) c.fail(`${n} committed but no majority`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/leader-failure',
  description: 'a new leader takes over from a disconnected one; with the second leader gone nothing commits',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): test failure of leaders');

    yield* c.one(101, servers, false);

    // disconnect the first leader.
    const leader1 = yield* c.checkOneLeader();
    c.disconnect(leader1);

    // the remaining followers should elect a new leader.
    yield* c.one(102, servers - 1, false);
    yield* sleep(ELECTION_TIMEOUT_US);
    yield* c.one(103, servers - 1, false);

    // disconnect the new leader.
    const leader2 = yield* c.checkOneLeader();
    c.disconnect(leader2);
    t.check(leader2 !== leader1, `the disconnected leader ${leader1} is still the only leader`);

    // submit a command to each server.
    for (let i = 0; i < servers; i++) c.start(i, 104);

    yield* sleep(2 * ELECTION_TIMEOUT_US);

    // check that command 104 did not commit.
    const n = c.nCommitted(4).count;
    if (n > 0) c.fail(`${n} committed but no majority`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/fail-agree',
  description: 'a follower disconnected during 4 agreements catches up after it reconnects',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): agreement after follower reconnects');

    yield* c.one(101, servers, false);

    // disconnect one follower from the network.
    const leader = yield* c.checkOneLeader();
    c.disconnect((leader + 1) % servers);

    // the leader and remaining follower should be able to agree despite the disconnected follower.
    yield* c.one(102, servers - 1, false);
    yield* c.one(103, servers - 1, false);
    yield* sleep(ELECTION_TIMEOUT_US);
    yield* c.one(104, servers - 1, false);
    yield* c.one(105, servers - 1, false);

    // re-connect
    c.connect((leader + 1) % servers);

    // the full set of servers should preserve previous agreements, and be able to agree on new commands.
    const index = yield* c.one(106, servers, true);
    yield* sleep(ELECTION_TIMEOUT_US);
    yield* c.one(107, servers, true);
    t.check(c.nCommitted(index).count === servers, `index ${index} is not applied by all ${servers} servers`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/fail-no-agree',
  description: '5 servers, 3 followers disconnected: the leader accepts index 2 but it never commits; after repair all agree',
  *run(t) {
    const servers = 5;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): no agreement if too many followers disconnect');

    yield* c.one(10, servers, false);

    // 3 of 5 followers disconnect
    const leader = yield* c.checkOneLeader();
    c.disconnect((leader + 1) % servers);
    c.disconnect((leader + 2) % servers);
    c.disconnect((leader + 3) % servers);

    const { index, isLeader } = c.start(leader, 20);
    if (!isLeader) c.fail('leader rejected Start()');
    if (index !== 2) c.fail(`expected index 2, got ${index}`);

    yield* sleep(2 * ELECTION_TIMEOUT_US);

    const n = c.nCommitted(index).count;
    if (n > 0) c.fail(`${n} committed but no majority`);

    // repair
    c.connect((leader + 1) % servers);
    c.connect((leader + 2) % servers);
    c.connect((leader + 3) % servers);

    // the disconnected majority may have chosen a leader from among their own ranks, forgetting index 2.
    const leader2 = yield* c.checkOneLeader();
    const r2 = c.start(leader2, 30);
    if (!r2.isLeader) c.fail('leader2 rejected Start()');
    if (r2.index < 2 || r2.index > 3) c.fail(`unexpected index ${r2.index}`);

    yield* c.one(1000, servers, true);
    t.check(c.nCommitted(2).count === servers, `index 2 is not applied by all ${servers} servers`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/concurrent-starts',
  description: '5 concurrent Starts on the leader all commit (retried up to 5 times if the term changes)',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): concurrent Start()s');

    let success = false;
    loop: for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        // give solution some time to settle
        yield* sleep(3_000_000);
      }

      const leader = yield* c.checkOneLeader();
      const first = c.start(leader, 1);
      if (!first.isLeader) {
        // leader moved on really quickly
        continue;
      }
      const term = first.term;

      const iters = 5;
      const is: number[] = [];
      const starters: Task<void>[] = [];
      for (let ii = 0; ii < iters; ii++) {
        starters.push(
          t.world.go(
            `start-${ii}`,
            (function* () {
              const r = c.start(leader, 100 + ii);
              if (r.term !== term) return;
              if (!r.isLeader) return;
              is.push(r.index);
            })(),
          ),
        );
      }
      yield* joinAll(starters);

      for (let j = 0; j < servers; j++) {
        // term changed -- can't expect low RPC counts
        if (c.getState(j).term !== term) continue loop;
      }

      let failed = false;
      const cmds: number[] = [];
      for (const index of is) {
        const cmd = yield* c.wait(index, servers, term);
        if (typeof cmd !== 'number') return c.fail(`value ${String(cmd)} is not an int`);
        if (cmd === -1) {
          // peers have moved on to later terms so we can't expect all Start()s to have succeeded
          failed = true;
          break;
        }
        cmds.push(cmd);
      }
      if (failed) continue;

      for (let ii = 0; ii < iters; ii++) {
        const x = 100 + ii;
        if (!cmds.includes(x)) c.fail(`cmd ${x} missing in ${cmds.join(',')}`);
      }

      success = true;
      break;
    }

    if (!success) c.fail('term changed too often');

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/rejoin',
  description: 'a partitioned leader with 3 uncommitted entries rejoins; its entries are replaced and agreement continues',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): rejoin of partitioned leader');

    yield* c.one(101, servers, true);

    // leader network failure
    const leader1 = yield* c.checkOneLeader();
    c.disconnect(leader1);

    // make old leader try to agree on some entries
    c.start(leader1, 102);
    c.start(leader1, 103);
    c.start(leader1, 104);

    // new leader commits, also for index=2
    yield* c.one(103, 2, true);

    // new leader network failure
    const leader2 = yield* c.checkOneLeader();
    c.disconnect(leader2);

    // old leader connected again
    c.connect(leader1);

    yield* c.one(104, 2, true);

    // all together now
    c.connect(leader2);

    yield* c.one(105, servers, true);
    t.check(c.nCommitted(2).count === servers, `index 2 is not applied by all ${servers} servers`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/backup',
  description: '5 servers; leaders with 50 uncommitted entries are partitioned away twice; the new leaders back up fast',
  *run(t) {
    const servers = 5;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3B): leader backs up quickly over incorrect follower logs');

    yield* c.one(randInt(t.rng), servers, true);

    // put leader and one follower in a partition
    const leader1 = yield* c.checkOneLeader();
    c.disconnect((leader1 + 2) % servers);
    c.disconnect((leader1 + 3) % servers);
    c.disconnect((leader1 + 4) % servers);

    // submit lots of commands that won't commit
    for (let i = 0; i < 50; i++) c.start(leader1, randInt(t.rng));

    yield* sleep(ELECTION_TIMEOUT_US / 2);

    c.disconnect((leader1 + 0) % servers);
    c.disconnect((leader1 + 1) % servers);

    // allow other partition to recover
    c.connect((leader1 + 2) % servers);
    c.connect((leader1 + 3) % servers);
    c.connect((leader1 + 4) % servers);

    // lots of successful commands to new group.
    for (let i = 0; i < 50; i++) yield* c.one(randInt(t.rng), 3, true);

    // now another partitioned leader and one follower
    const leader2 = yield* c.checkOneLeader();
    let other = (leader1 + 2) % servers;
    if (leader2 === other) other = (leader2 + 1) % servers;
    c.disconnect(other);

    // lots more commands that won't commit
    for (let i = 0; i < 50; i++) c.start(leader2, randInt(t.rng));

    yield* sleep(ELECTION_TIMEOUT_US / 2);

    // bring original leader back to life,
    for (let i = 0; i < servers; i++) c.disconnect(i);
    c.connect((leader1 + 0) % servers);
    c.connect((leader1 + 1) % servers);
    c.connect(other);

    // lots of successful commands to new group.
    for (let i = 0; i < 50; i++) yield* c.one(randInt(t.rng), 3, true);

    // now everyone
    for (let i = 0; i < servers; i++) c.connect(i);
    const last = yield* c.one(randInt(t.rng), servers, true);
    t.check(last > 100, `the last agreement is at index ${last}, after more than 100 commands`);

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3B/count',
  description: 'RPC budgets: ≤ 30 to elect, ≤ 42 for 11 entries, ≤ 60 for a second of idleness (per-server dispatch counts)',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin("Test (3B): RPC counts aren't too high");

    const rpcs = (): number => {
      let n = 0;
      for (let j = 0; j < servers; j++) n += c.rpcCount(j);
      return n;
    };

    let leader = yield* c.checkOneLeader();

    let total1 = rpcs();

    if (total1 > 30 || total1 < 1) c.fail(`too many or few RPCs (${total1}) to elect initial leader`);

    let total2 = 0;
    let success = false;
    loop: for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        // give solution some time to settle
        yield* sleep(3_000_000);
      }

      leader = yield* c.checkOneLeader();
      total1 = rpcs();

      const iters = 10;
      const first = c.start(leader, 1);
      if (!first.isLeader) {
        // leader moved on really quickly
        continue;
      }
      const starti = first.index;
      const term = first.term;
      const cmds: number[] = [];
      for (let i = 1; i < iters + 2; i++) {
        const x = t.rng.below(0x80000000);
        cmds.push(x);
        const r = c.start(leader, x);
        // Term changed while starting, or no longer the leader (so the term has changed)
        if (r.term !== term || !r.isLeader) continue loop;
        if (starti + i !== r.index) c.fail('Start() failed');
      }

      for (let i = 1; i < iters + 1; i++) {
        const cmd: Payload = yield* c.wait(starti + i, servers, term);
        if (cmd !== cmds[i - 1]) {
          // term changed -- try again
          if (cmd === -1) continue loop;
          c.fail(`wrong value ${String(cmd)} committed for index ${starti + i}; expected ${cmds.join(',')}`);
        }
      }

      let failed = false;
      total2 = 0;
      for (let j = 0; j < servers; j++) {
        // term changed -- can't expect low RPC counts; keep going to update total2
        if (c.getState(j).term !== term) failed = true;
        total2 += c.rpcCount(j);
      }
      if (failed) continue loop;

      if (total2 - total1 > (iters + 1 + 3) * 3) c.fail(`too many RPCs (${total2 - total1}) for ${iters} entries`);

      success = true;
      break;
    }

    if (!success) c.fail('term changed too often');

    yield* sleep(ELECTION_TIMEOUT_US);

    let total3 = 0;
    for (let j = 0; j < servers; j++) total3 += c.rpcCount(j);

    if (total3 - total2 > 3 * 20) c.fail(`too many RPCs (${total3 - total2}) for 1 second of idleness`);
    t.sometimes('heartbeats flowed while idle', total3 - total2 > 0);

    c.end();
    c.cleanup();
  },
});
