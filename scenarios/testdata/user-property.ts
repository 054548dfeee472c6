// A property file of a user's own, for the CLI tests: with three of five servers cut off nothing
// commits, so it fails at its first run (npx simlab prop scenarios/testdata/user-property.ts).
import fc from 'fast-check';
import { defineJsonProperty, makeConfig } from 'simlab';

defineJsonProperty({
  name: 'prop/mine/three-down',
  description: 'five servers, three of them disconnected: the other two still commit (they cannot: a failing property)',
  arbitrary: fc.record({ seed: fc.nat(), down: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }) }),
  *run(t, input) {
    const c = makeConfig(t, 5, false, false);
    yield* c.checkOneLeader();
    for (const i of input.down) c.disconnect(i);
    yield* c.one(7, 2, true);
    c.end();
  },
});
