/**
 * kvraft judges its Raft only by what the Go tester sees: the correct Raft
 * with every fact filtered out (scenarios/testdata/factless.ts), plugged in
 * as role `raft`, passes the kvraft scenarios, with one log line saying the
 * Raft invariant checks are off. (The whole catalog, as a command:
 * npx simlab sweep 'kvraft/**' --seeds 1..5 --impl raft=scenarios/testdata/factless-raft.ts)
 */
import { describe, expect, it } from 'vitest';
import { findScenario, runScenario } from '../../sim/scenario.ts';
import { raft } from '../../protocols/raft/index.ts';
import { factless } from '../testdata/factless.ts';
import { RAFT_ROLE } from './config.ts';
import './index.ts';

const factlessRaft = factless(raft);
const SCENARIOS = [
  'kvraft/4A/basic',
  'kvraft/4A/one-partition',
  'kvraft/4A/unreliable-one-key',
  'kvraft/4A/persist-partition-unreliable',
  'kvraft/4B/snapshot-rpc',
  'kvraft/4B/snapshot-size',
  'kvraft/4B/snapshot-unreliable-recover',
  'kvraft/4B/speed',
];

describe('kvraft over a Raft without facts', () => {
  it.each(SCENARIOS)('%s passes (seed 1), saying that the invariant checks are off', (name) => {
    const r = runScenario(findScenario(name)!, { seed: 1, impl: { [RAFT_ROLE]: factlessRaft } });
    expect(r.failure).toBeUndefined();
    expect(r.log.filter((l) => l.includes('invariant checks off for every server')).length).toBe(1);
  });

  it('with facts the checks stay on, and nothing is said', () => {
    const r = runScenario(findScenario('kvraft/4A/one-partition')!, { seed: 1 });
    expect(r.passed).toBe(true);
    expect(r.log.some((l) => l.includes('invariant checks off'))).toBe(false);
  });
});
