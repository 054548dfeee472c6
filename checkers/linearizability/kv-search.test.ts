import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.ts';
import { checkOperations, explain, kvModel, type KvInput, type KvOutput, type Model, type Operation } from './index.ts';
import { clientsKvHistory, corruptedClientsKvHistory } from './testing/clients-kv-history.ts';
import { randomKvHistory } from './testing/random-kv-history.ts';
import { segmentedHistory, type Workload } from './testing/segmented-history.ts';

/** The KV model searched on plain strings: no append chains, no reads given up on early. */
const plainKv: Model<string, KvInput, KvOutput> = { ...kvModel, searchWith: undefined };

/** Get, put, append and append-returning on a few keys with one-letter values (appends that collide on purpose). */
const kvWorkload: Workload<ReadonlyMap<string, string>, KvInput, KvOutput> = {
  init: new Map(),
  input(rng) {
    const op = rng.below(4) as KvInput['op'];
    return { op, key: String(rng.below(2)), value: op === 0 ? '' : 'abc'[rng.below(3)]! };
  },
  perform(state, input) {
    const old = state.get(input.key) ?? '';
    const value = input.op === 0 ? old : input.op === 1 ? input.value : old + input.value;
    return { output: { value: input.op === 0 || input.op === 3 ? old : '' }, next: new Map(state).set(input.key, value) };
  },
  corrupt: (input, output, rng) => (input.op === 0 || input.op === 3 ? { value: output.value + 'abc'[rng.below(3)] } : undefined),
};

/** One read of `ops` made to return what another read returned: often illegal, sometimes not. */
function swapOneRead(ops: Operation<KvInput, KvOutput>[], seed: number): Operation<KvInput, KvOutput>[] {
  const rng = new Prng(seed);
  const reads = ops.flatMap((op, i) => (op.input.op === 0 ? [i] : []));
  const [a, b] = [reads[rng.below(reads.length)]!, reads[rng.below(reads.length)]!];
  return ops.map((op, i) => (i === a ? { ...op, output: ops[b]!.output } : op));
}

describe('the KV model as the search runs it (append chains, hopeless reads given up on)', () => {
  it('gives the plain model’s verdict on 450 random histories, ok and illegal', () => {
    const histories: Operation<KvInput, KvOutput>[][] = [];
    for (let seed = 1; seed <= 200; seed++) {
      histories.push(segmentedHistory(kvWorkload, { seed, operations: 10 + (seed % 50), groupMax: 5, corrupt: seed % 2 === 0 }));
    }
    for (let seed = 1; seed <= 100; seed++) {
      const random = randomKvHistory({ seed, clients: 5, operations: 80, keys: 2, durationMax: 8 });
      histories.push(random, swapOneRead(random, seed));
    }
    for (let seed = 1; seed <= 50; seed++) {
      histories.push(clientsKvHistory({ seed, clients: 5, operations: 80, keys: 2, delayMax: 3, corrupt: seed % 2 === 0 }));
    }
    const tally = { ok: 0, illegal: 0, undecided: 0 };
    const disagreements: number[] = [];
    histories.forEach((ops, i) => {
      const fast = checkOperations(kvModel, ops, { budgetSteps: 1_000_000 }).verdict;
      const plain = checkOperations(plainKv, ops, { budgetSteps: 1_000_000 }).verdict;
      if (fast === 'unknown' || plain === 'unknown') tally.undecided++;
      else if (fast !== plain) disagreements.push(i);
      else tally[fast]++;
    });
    expect(disagreements).toEqual([]);
    expect(tally.undecided).toBeLessThan(10);
    expect(tally.ok).toBeGreaterThan(150);
    expect(tally.illegal).toBeGreaterThan(150);
  });
});

describe('reads given up on early', () => {
  /** Appends 0..k-1 all concurrent with a read that sees them in reverse order and returns last. */
  function reversedUnderARead(k: number): Operation<KvInput, KvOutput>[] {
    const ops: Operation<KvInput, KvOutput>[] = Array.from({ length: k }, (_, j) => ({
      clientId: j,
      input: { op: 2, key: 'k', value: `${j};` },
      call: j,
      return: 100 + j,
      output: { value: '' },
    }));
    const seen = Array.from({ length: k }, (_, j) => `${k - 1 - j};`).join('');
    ops.push({ clientId: k, input: { op: 0, key: 'k', value: '' }, call: 0, return: 200, output: { value: seen } });
    return ops;
  }

  it('refutes a wrong order of appends as soon as a pending read contradicts it', () => {
    const ops = reversedUnderARead(8);
    const pruned = checkOperations(kvModel, ops);
    const plain = checkOperations(plainKv, ops);
    expect([pruned.verdict, plain.verdict]).toEqual(['ok', 'ok']);
    expect(pruned.steps).toBeLessThan(200);
    expect(plain.steps).toBeGreaterThan(50 * pruned.steps);
  });

  it('does not give up on a read while a put that may start its value can still come first', () => {
    // Only order: append "0;", the first read, the put, append "1;", the second read (which is pending throughout).
    const op = (clientId: number, input: KvInput, value: string, ret = 100): Operation<KvInput, KvOutput> => ({ clientId, input, call: 0, return: ret, output: { value } });
    const ops = [
      op(0, { op: 2, key: 'k', value: '0;' }, ''),
      op(1, { op: 0, key: 'k', value: '' }, '0;'),
      op(2, { op: 1, key: 'k', value: 'P;' }, ''),
      op(3, { op: 2, key: 'k', value: '1;' }, ''),
      op(4, { op: 0, key: 'k', value: '' }, 'P;1;', 200),
    ];
    expect([checkOperations(kvModel, ops).verdict, checkOperations(plainKv, ops).verdict]).toEqual(['ok', 'ok']);
    const otherPut = ops.map((o) => (o.input.op === 1 ? { ...o, input: { ...o.input, value: 'Q;' } } : o));
    expect([checkOperations(kvModel, otherPut).verdict, checkOperations(plainKv, otherPut).verdict]).toEqual(['illegal', 'illegal']);
  });
});

describe('kvraft-sized generated histories (15 to 50 clients, 2,000 operations, 10 keys)', () => {
  const shapes = [
    { clients: 15, delayMax: 8 },
    { clients: 30, delayMax: 5 },
    { clients: 50, delayMax: 1 },
  ];

  it.each(shapes)('$clients clients: linearizable as generated', (shape) => {
    const history = clientsKvHistory({ seed: 1, operations: 2000, keys: 10, ...shape });
    expect(new Set(history.map((op) => op.clientId)).size).toBe(shape.clients);
    expect(history.filter((op) => op.input.op === 2).length).toBeGreaterThan(1000);
    expect(checkOperations(kvModel, history, { budgetSteps: 3_000_000 }).verdict).toBe('ok');
  });

  it.each(shapes)('$clients clients: illegal with an append read twice, explained by that read on its key', (shape) => {
    const { operations, corrupted } = corruptedClientsKvHistory({ seed: 1, operations: 2000, keys: 10, ...shape });
    const result = checkOperations(kvModel, operations, { budgetSteps: 3_000_000 });
    expect(result.verdict).toBe('illegal');
    const bad = result.partitions.find((p) => p.verdict === 'illegal')!;
    const key = operations[corrupted]!.input.key;
    expect([bad.key, bad.failing]).toEqual([key, corrupted]);
    const text = explain(kvModel, operations, result);
    expect(text).toContain(`not linearizable: partition ${JSON.stringify(key)}`);
    expect(text).toContain(`cannot be placed next: client ${operations[corrupted]!.clientId} [${operations[corrupted]!.call}, `);
  });
});
