import { describe, expect, it } from 'vitest';
import { findScenario, matchScenarios, runScenario } from '../../sim/scenario.ts';
import './index.ts';

describe('shardctrler catalog', () => {
  it('registers TestBasic’s 6 sections, TestMulti’s 5 and TestMinimalAgain', () => {
    expect(matchScenarios('shardctrler/basic/*').length).toBe(6);
    expect(matchScenarios('shardctrler/multi/*').length).toBe(5);
    expect(findScenario('shardctrler/minimal-again')).toBeDefined();
  });

  it.each(matchScenarios('shardctrler/**').map((s) => s.name))('%s passes for seed 1', (name) => {
    expect(runScenario(findScenario(name)!, { seed: 1 }).failure).toBeUndefined();
  });

  it('runs a section after the sections before it', () => {
    const r = runScenario(findScenario('shardctrler/basic/move')!, { seed: 2 });
    expect(r.log.filter((l) => l.includes('... Passed --')).map((l) => l.replace(/^.*Passed -- Test: (.*):.*$/, '$1'))).toEqual(['Basic leave/join', 'Historical queries', 'Move']);
  });
});
