import { describe, expect, it } from 'vitest';
import { checkOperations, kvModel } from './index.ts';
import { randomKvHistory } from './testing/random-kv-history.ts';
import { stressHistory } from './testing/stress-history.ts';

describe('synthetic stress history: 50 clients, 2,000 operations, 10 keys', () => {
  const history = stressHistory();

  it('has the advertised shape', () => {
    expect(history.length).toBe(2000);
    expect(new Set(history.map((op) => op.clientId)).size).toBe(50);
    expect(new Set(history.map((op) => op.input.key)).size).toBe(10);
  });

  it('comes back illegal in under a second: interleaving finds the cheap illegal key behind the expensive ones', () => {
    const started = performance.now();
    const result = checkOperations(kvModel, history, { budgetMs: 10_000 });
    const elapsedMs = performance.now() - started;
    expect(result.verdict).toBe('illegal');
    expect(result.partitions.find((p) => p.verdict === 'illegal')!.key).toBe('9');
    expect(result.partitions.filter((p) => p.verdict === 'unknown').length).toBe(9);
    // Partitions take turns in order of first call: expensive keys went before the illegal one.
    expect(result.partitions.filter((p) => p.verdict === 'unknown' && p.steps > 0).length).toBeGreaterThanOrEqual(4);
    expect(result.steps).toBeLessThan(60_000);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('makes the other keys expensive: the first key alone is still undecided after five times those steps', () => {
    const key0 = history.filter((op) => op.input.key === '0');
    const result = checkOperations(kvModel, key0, { budgetSteps: 300_000 });
    expect(result.verdict).toBe('unknown');
  });

  it('makes the other keys linearizable (shown with a smaller burst), and the bad key alone illegal', () => {
    expect(checkOperations(kvModel, stressHistory({ groupSize: 5, illegal: false })).verdict).toBe('ok');
    expect(checkOperations(kvModel, history.filter((op) => op.input.key === '9')).verdict).toBe('illegal');
  });
});

describe('random linearizable-by-construction KV histories', () => {
  it('are all ok, and each turns illegal when one read returns a value never written', () => {
    const verdicts: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const history = randomKvHistory({ seed, clients: 10, operations: 300, keys: 3, durationMax: 10 });
      verdicts.push(checkOperations(kvModel, history, { budgetSteps: 5_000_000 }).verdict);
      const read = history.findIndex((op) => op.input.op === 0);
      const broken = history.map((op, i) => (i === read ? { ...op, output: { value: 'never written' } } : op));
      verdicts.push(checkOperations(kvModel, broken, { budgetSteps: 5_000_000 }).verdict);
    }
    expect(verdicts).toEqual(Array.from({ length: 20 }, () => ['ok', 'illegal']).flat());
  });
});
