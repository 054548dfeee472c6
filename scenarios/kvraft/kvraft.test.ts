import { describe, expect, it } from 'vitest';
import { parseSimlabHistory } from '../../checkers/history/simlab.ts';
import { findScenario, runScenario, type RunOptions } from '../../sim/scenario.ts';
import './index.ts';

function run(name: string, options: Partial<RunOptions> = {}) {
  const s = findScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return runScenario(s, { seed: 1, ...options });
}

describe('kvraft catalog', () => {
  it('registers the 23 Go tests', async () => {
    const { matchScenarios } = await import('../../sim/scenario.ts');
    expect(matchScenarios('kvraft/**').length).toBe(23);
  });

  it.each(['kvraft/4A/one-partition', 'kvraft/4A/unreliable-one-key', 'kvraft/4B/snapshot-rpc', 'kvraft/4B/snapshot-size', 'kvraft/4A/speed', 'kvraft/4A/unreliable'])(
    '%s passes for seed 1',
    (name) => {
      const r = run(name);
      expect(r.failure).toBeUndefined();
    },
  );

  it('hands the checked history to onHistory in simlab format', () => {
    let text = '';
    const r = run('kvraft/4A/unreliable', { onHistory: (h) => (text = h) });
    expect(r.passed).toBe(true);
    const h = parseSimlabHistory(text, 'h');
    expect(h.model).toBe('kv');
    const line = r.log.find((l) => l.includes('history:'))!;
    expect(line).toContain(`history: ${h.operations.length} operations`);
    expect(h.operations.some((op) => (op.input as { op: number }).op === 2)).toBe(true);
  });
});
