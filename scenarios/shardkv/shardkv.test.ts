import { describe, expect, it } from 'vitest';
import { findScenario, matchScenarios, runScenario } from '../../sim/scenario.ts';
import './index.ts';

describe('shardkv catalog', () => {
  it('registers the 14 Go tests: 5A, 5B and the challenges', () => {
    expect(matchScenarios('shardkv/5A/*').length).toBe(2);
    expect(matchScenarios('shardkv/5B/*').length).toBe(9);
    expect(matchScenarios('shardkv/challenge/*').length).toBe(3);
  });

  it.each(['shardkv/5A/static-shards', 'shardkv/5A/rejection', 'shardkv/5B/join-leave', 'shardkv/challenge/unaffected', 'shardkv/challenge/partial'])('%s passes for seed 1', (name) => {
    expect(runScenario(findScenario(name)!, { seed: 1 }).failure).toBeUndefined();
  });

  // A group restarted with only BePulling shards left, their deletes committed before the crash: without a
  // leader's no-op in its term nothing commits and the group never replays them (every appender then waits forever).
  it.each([51])('shardkv/5B/concurrent3 passes for seed %i (a restarted group replays its log with no one asking it)', (seed) => {
    expect(runScenario(findScenario('shardkv/5B/concurrent3')!, { seed }).failure).toBeUndefined();
  });

  it('checks the whole history of every test', () => {
    const r = runScenario(findScenario('shardkv/5B/join-leave')!, { seed: 1 });
    expect(r.log.some((l) => /history: \d+ operations, 10 keys, ok/.test(l))).toBe(true);
  });
});
