/**
 * The shard controller (6.5840 lab 5A): the three tests of
 * src/shardctrler/test_test.go as scenarios, named after them and their
 * sections (spec §7): `shardctrler/basic/<section>` and
 * `shardctrler/multi/<section>` run the Go test through that section;
 * `shardctrler/minimal-again` is TestMinimalAgain.
 *
 * Roles for --impl: `raft`, `shardctrler-server`, `shardctrler-clerk` (see ./config.ts).
 */
import { seconds } from '../../sim/node.ts';
import { defineRole, defineScenario } from '../../sim/scenario.ts';
import { SHARDCTRLER_CLERK_ROLE, SHARDCTRLER_SERVER_ROLE } from './config.ts';
import { basicSections, minimalAgainTest, multiSections, runThrough, type Section } from './tests.ts';

defineRole(SHARDCTRLER_SERVER_ROLE, 'the shard-controller service over Raft: a service node of protocols/rsm (scenarios/shardctrler/config.ts stacks it on role raft)');
defineRole(SHARDCTRLER_CLERK_ROLE, 'the shard-controller clerk (ends to every server, in a random order)');

/** Past config.go's 120 s limit the tester fails by itself; the kernel stops a little later. */
export const SHARDCTRLER_TIME_LIMIT_US = seconds(150);

function defineSections(test: string, goName: string, sections: readonly Section[]): void {
  sections.forEach((s, k) => {
    defineScenario({
      name: `shardctrler/${test}/${s.name}`,
      description: `${goName} through "${s.title}": ${s.description}`,
      timeLimitUs: SHARDCTRLER_TIME_LIMIT_US,
      run: (t) => runThrough(t, sections, k),
    });
  });
}

defineSections('basic', 'TestBasic', basicSections);
defineSections('multi', 'TestMulti', multiSections);
defineScenario({
  name: 'shardctrler/minimal-again',
  description: 'TestMinimalAgain: Join 3 after 1 and 2, then Leave 1: only shards of the joining/leaving group move, at most 4',
  timeLimitUs: SHARDCTRLER_TIME_LIMIT_US,
  run: minimalAgainTest,
});
