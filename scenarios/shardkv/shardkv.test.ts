import { describe, expect, it } from 'vitest';
import { findScenario, matchScenarios, runScenario } from '../../sim/scenario.ts';
import '../index.ts';

/** The long ones (about 2 s each) run in `npx simlab sweep 'shardkv/**'`, not here. */
const LONG = new Set(['shardkv/5B/concurrent2', 'shardkv/5B/concurrent3']);

describe('shardkv catalog', () => {
  it('registers the 2 tests of 5A, the 9 of 5B and the 3 challenges', () => {
    expect(matchScenarios('shardkv/5A/*').length).toBe(2);
    expect(matchScenarios('shardkv/5B/*').length).toBe(9);
    expect(matchScenarios('shardkv/challenge/*').length).toBe(3);
  });

  it.each(matchScenarios('shardkv/**').map((s) => s.name).filter((n) => !LONG.has(n)))('%s passes for seed 1', (name) => {
    expect(runScenario(findScenario(name)!, { seed: 1 }).failure).toBeUndefined();
  });

  it('checks the history of every test and hands it out', () => {
    let history = '';
    const r = runScenario(findScenario('shardkv/5B/join-leave')!, { seed: 1, onHistory: (h: string) => (history = h) });
    expect(r.log.some((l) => /history: \d+ operations, 10 keys, \d+ search steps, ok/.test(l))).toBe(true);
    expect(history.length).toBeGreaterThan(0);
  });
});
