/**
 * Lab 3A, leader election (spec §5.1): the Go tests TestInitialElection3A,
 * TestReElection3A and TestManyElections3A.
 */
import { defineScenario } from '../../sim/scenario.ts';
import { ms } from '../../sim/node.ts';
import { sleep } from '../../sim/task.ts';
import { ELECTION_TIMEOUT_US, makeConfig } from './config.ts';

defineScenario({
  name: 'raft/3A/initial-election',
  description: '3 servers elect one leader; all agree on a term ≥ 1, and a leader still exists 2 s later',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3A): initial election');

    // is a leader elected?
    yield* c.checkOneLeader();

    // sleep a bit to avoid racing with followers learning of the election, then check that all peers agree on the term.
    yield* sleep(ms(50));
    const term1 = c.checkTerms();
    if (term1 < 1) c.fail(`term is ${term1}, but should be at least 1`);

    // does the leader+term stay the same if there is no network failure?
    yield* sleep(2 * ELECTION_TIMEOUT_US);
    const term2 = c.checkTerms();
    if (term1 !== term2) t.warn('term changed even though there were no failures');

    // there should still be a leader.
    yield* c.checkOneLeader();

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3A/re-election',
  description: 'a disconnected leader is replaced; its return does not disturb the new one; no leader without a quorum',
  *run(t) {
    const servers = 3;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3A): election after network failure');

    const leader1 = yield* c.checkOneLeader();

    // if the leader disconnects, a new one should be elected.
    c.disconnect(leader1);
    const replacement = yield* c.checkOneLeader();
    t.check(replacement !== leader1, `the disconnected leader ${leader1} is still the only leader`);

    // if the old leader rejoins, that shouldn't disturb the new leader; the old leader should switch to follower.
    c.connect(leader1);
    const leader2 = yield* c.checkOneLeader();

    // if there's no quorum, no new leader should be elected.
    c.disconnect(leader2);
    c.disconnect((leader2 + 1) % servers);
    yield* sleep(2 * ELECTION_TIMEOUT_US);

    // check that the one connected server does not think it is the leader.
    c.checkNoLeader();

    // if a quorum arises, it should elect a leader.
    c.connect((leader2 + 1) % servers);
    yield* c.checkOneLeader();

    // re-join of last node shouldn't prevent leader from existing.
    c.connect(leader2);
    yield* c.checkOneLeader();

    c.end();
    c.cleanup();
  },
});

defineScenario({
  name: 'raft/3A/many-elections',
  description: '7 servers; 9 rounds of disconnecting 3 random servers: the rest always have exactly one leader',
  *run(t) {
    const servers = 7;
    const c = makeConfig(t, servers, false, false);
    c.begin('Test (3A): multiple elections');

    yield* c.checkOneLeader();

    const iters = 10;
    for (let ii = 1; ii < iters; ii++) {
      // disconnect three nodes (possibly the same one twice)
      const i1 = t.rng.below(servers);
      const i2 = t.rng.below(servers);
      const i3 = t.rng.below(servers);
      c.disconnect(i1);
      c.disconnect(i2);
      c.disconnect(i3);

      // either the current leader should still be alive, or the remaining four should elect a new one.
      const leader = yield* c.checkOneLeader();
      t.check(c.connected[leader] === true, `leader ${leader} is not among the servers left connected`);

      c.connect(i1);
      c.connect(i2);
      c.connect(i3);
    }

    yield* c.checkOneLeader();

    c.end();
    c.cleanup();
  },
});
