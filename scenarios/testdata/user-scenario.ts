// A scenario file of a user's own, for the CLI tests and the README: npx simlab run scenarios/testdata/user-scenario.ts
import { defineScenario, makeConfig } from 'simlab';

defineScenario({
  name: 'mine/leader-and-follower-cut',
  description: 'cut the leader and one follower off; the rest elect a new leader',
  *run(t) {
    const c = makeConfig(t, 5, false, false);
    const leader = yield* c.checkOneLeader();
    c.disconnect(leader);
    c.disconnect((leader + 1) % 5);
    const next = yield* c.checkOneLeader();
    t.check(next !== leader, 'the old leader is still the leader');
    yield* c.one(101, 3, true);
    c.end();
  },
});
