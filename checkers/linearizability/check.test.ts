import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkEvents,
  checkOperations,
  etcdModel,
  kvModel,
  kvModelUnpartitioned,
  type KvInput,
  type KvOutput,
  operationsFromEvents,
  registerModel,
  setModel,
  type EtcdInput,
  type EtcdOutput,
  type HistoryEvent,
  type Model,
  type NondeterministicModel,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  type SetInput,
  type SetOutput,
} from './index.ts';

type RegOp = Operation<RegisterInput, RegisterOutput>;
const register = registerModel(0);
const put = (value: number, call: number, ret: number, clientId = 0): RegOp => ({ clientId, input: { op: 'put', value }, call, return: ret, output: {} });
const get = (value: number, call: number, ret: number, clientId = 1): RegOp => ({ clientId, input: { op: 'get' }, call, return: ret, output: { value } });

/** The events of operations: calls and returns in time order, calls first at equal times. */
function eventsOf<I, O>(ops: readonly Operation<I, O>[]): HistoryEvent<I, O>[] {
  const points = ops.flatMap((op, id) => [
    { t: op.call, kind: 0, id },
    { t: op.return, kind: 1, id },
  ]);
  points.sort((a, b) => a.t - b.t || a.kind - b.kind || a.id - b.id);
  return points.map(({ kind, id }) => {
    const op = ops[id]!;
    return kind === 0
      ? { kind: 'call', id, clientId: op.clientId, input: op.input }
      : { kind: 'return', id, clientId: op.clientId, output: op.output };
  });
}

describe('register histories (Porcupine README §3)', () => {
  const ok = [put(100, 0, 100), get(100, 25, 75), get(0, 30, 60, 2)];
  const bad = [put(200, 0, 100), get(200, 10, 30), get(0, 40, 90, 2)];

  it('accepts a read of the old value concurrent with a read of the new one', () => {
    expect(checkOperations(register, ok).verdict).toBe('ok');
    expect(checkEvents(register, eventsOf(ok)).verdict).toBe('ok');
  });

  it('rejects a read of the old value after a read of the new one returned', () => {
    expect(checkOperations(register, bad).verdict).toBe('illegal');
    expect(checkEvents(register, eventsOf(bad)).verdict).toBe('illegal');
  });

  it('handles zero-length operations (calls before returns at equal times)', () => {
    expect(checkOperations(register, [put(100, 0, 100), get(100, 25, 75), get(0, 30, 30, 2), get(0, 30, 30, 3)]).verdict).toBe('ok');
    expect(checkOperations(register, [put(200, 0, 100), get(200, 10, 10), get(200, 10, 10, 2), get(0, 40, 90, 3)]).verdict).toBe(
      'illegal',
    );
  });

  it('treats intervals that touch as concurrent', () => {
    // The get is called at the time the put returns: it may still see the old value.
    expect(checkOperations(register, [put(1, 0, 10), get(0, 10, 20)]).verdict).toBe('ok');
    expect(checkOperations(register, [put(1, 0, 10), get(0, 11, 20)]).verdict).toBe('illegal');
  });

  it('explains an illegal history by its longest linearizable prefix and the operation that cannot follow', () => {
    const result = checkOperations(register, bad);
    const part = result.partitions[0]!;
    expect(part.verdict).toBe('illegal');
    expect(part.linearization).toEqual([0, 1]);
    expect(part.failing).toBe(2);
  });

  it('returns a whole linearization for an ok history, in an order the model accepts', () => {
    const part = checkOperations(register, ok).partitions[0]!;
    expect([...part.linearization].sort()).toEqual([0, 1, 2]);
    let state: number | undefined = 0;
    for (const i of part.linearization) state = state === undefined ? undefined : register.step(state, ok[i]!.input, ok[i]!.output);
    expect(state).toBe(100);
  });
});

describe('a set with add and read (Porcupine README §3)', () => {
  type SetOp = Operation<SetInput, SetOutput>;
  const adds: SetOp[] = [
    { clientId: 0, input: { op: 'add', value: 100 }, call: 0, return: 100, output: {} },
    { clientId: 1, input: { op: 'add', value: 110 }, call: 0, return: 100, output: {} },
  ];
  const read = (values: number[] | undefined): SetOp => ({
    clientId: 2,
    input: { op: 'read' },
    call: 50,
    return: 60,
    output: values === undefined ? undefined : { values },
  });

  it('accepts a concurrent read that sees one add, both, or has an unknown outcome', () => {
    expect(checkOperations(setModel, [...adds, read([100])]).verdict).toBe('ok');
    expect(checkOperations(setModel, [...adds, read([110, 100])]).verdict).toBe('ok');
    expect(checkOperations(setModel, [...adds, read(undefined)]).verdict).toBe('ok');
  });

  it('rejects a read that lists an element twice', () => {
    expect(checkOperations(setModel, [...adds, read([100, 100])]).verdict).toBe('illegal');
  });
});

describe('nondeterministic models (Porcupine README §3)', () => {
  // put-any writes any subset of its argument; get-any returns any subset of the content; get-all the whole content.
  type In = { op: 'put-any' | 'get-any' | 'get-all'; values: number[] };
  const subsets = (xs: number[]): number[][] => xs.reduce<number[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const isSubset = (a: readonly number[], b: readonly number[]) => a.every((x) => b.includes(x));
  const base: NondeterministicModel<readonly number[], In, number[]> = {
    nondeterministic: true,
    init: () => [[]],
    step(state, input, output) {
      const out = [...(output ?? [])].sort((a, b) => a - b);
      if (input.op === 'put-any') return subsets([...input.values].sort((a, b) => a - b));
      if (input.op === 'get-any') return isSubset(out, state) ? [state] : [];
      return same(out, state) ? [state] : [];
    },
    equal: same,
  };
  const hashed: typeof base = { ...base, hash: (s) => s.reduce((h, x) => Math.imul(h ^ x, 16777619), 7) };
  const history: Operation<In, number[]>[] = [
    { clientId: 0, input: { op: 'put-any', values: [1, 2, 3, 4] }, call: 0, return: 100, output: [] },
    { clientId: 1, input: { op: 'get-any', values: [] }, call: 10, return: 20, output: [2] },
    { clientId: 2, input: { op: 'get-any', values: [] }, call: 30, return: 40, output: [1, 4] },
    { clientId: 3, input: { op: 'get-all', values: [] }, call: 50, return: 60, output: [1, 2, 3] },
  ];

  it('rejects reads no single write can explain, with and without a hash', () => {
    expect(checkOperations(base, history).verdict).toBe('illegal');
    expect(checkOperations(hashed, history).verdict).toBe('illegal');
  });

  it('accepts reads that one subset explains', () => {
    const fine = history.map((op, i) => (i === 3 ? { ...op, output: [1, 2, 4] } : op));
    expect(checkOperations(base, fine).verdict).toBe('ok');
    expect(checkOperations(hashed, fine).verdict).toBe('ok');
  });
});

describe('budgets and interleaved partitions', () => {
  /** A register whose steps are slow (busy-waits), standing in for Porcupine's blocking model. */
  const slow: Model<number, RegisterInput, RegisterOutput> = {
    ...register,
    step(state, input, output) {
      const until = performance.now() + 2;
      while (performance.now() < until);
      return register.step(state, input, output);
    },
  };

  it('answers unknown, never ok, when the wall-clock budget runs out', () => {
    const ops = Array.from({ length: 40 }, (_, i) => put(i, 0, 100, i));
    const result = checkOperations(slow, ops, { budgetMs: 20 });
    expect(result.verdict).toBe('unknown');
    expect(result.stopped).toBe('budget-ms');
    expect(result.elapsedMs).toBeLessThan(200);
    expect(checkOperations(slow, ops, { budgetMs: 10_000 }).verdict).toBe('ok');
  });

  /** k concurrent appends then a read of them in reverse order: linearizable, but the search tries ~k! orders first. */
  function expensiveKey(key: string, k: number, client0: number): Operation<{ op: 0 | 2; key: string; value: string }, { value: string }>[] {
    const appends = Array.from({ length: k }, (_, j) => ({
      clientId: client0 + j,
      input: { op: 2 as const, key, value: `${j},` },
      call: j,
      return: 100 + j,
      output: { value: '' },
    }));
    const expected = Array.from({ length: k }, (_, j) => `${k - 1 - j},`).join('');
    return [...appends, { clientId: client0, input: { op: 0, key, value: '' }, call: 200, return: 201, output: { value: expected } }];
  }
  const illegalKey = [
    { clientId: 90, input: { op: 1 as const, key: 'bad', value: 'x' }, call: 50, return: 60, output: { value: '' } },
    { clientId: 91, input: { op: 0 as const, key: 'bad', value: '' }, call: 70, return: 80, output: { value: '' } },
  ];

  it('finds a cheap illegal partition behind an expensive one (no timeout needed)', () => {
    const expensive = expensiveKey('slow', 9, 0);
    expect(checkOperations(kvModel, expensive, { budgetSteps: 200_000 }).verdict).toBe('unknown');
    const result = checkOperations(kvModel, [...expensive, ...illegalKey]);
    expect(result.verdict).toBe('illegal');
    expect(result.stopped).toBe('illegal');
    expect(result.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ['slow', 'unknown'],
      ['bad', 'illegal'],
    ]);
    expect(result.steps).toBeLessThan(20_000);
  });

  it('is deterministic under a step budget and never spends more than it', () => {
    const ops = [...expensiveKey('a', 8, 0), ...expensiveKey('b', 8, 10)];
    const first = checkOperations(kvModel, ops, { budgetSteps: 30_000, turnSteps: 1000 });
    const second = checkOperations(kvModel, ops, { budgetSteps: 30_000, turnSteps: 1000 });
    expect(first.verdict).toBe('unknown');
    expect(first.stopped).toBe('budget-steps');
    expect(first.steps).toBe(30_000);
    expect(second.partitions).toEqual(first.partitions);
    // Round-robin: both partitions got turns.
    expect(first.partitions.map((p) => p.steps)).toEqual([15_000, 15_000]);
  });

  it('decides the expensive partition when given enough budget', () => {
    expect(checkOperations(kvModel, expensiveKey('a', 6, 0)).verdict).toBe('ok');
  });

  it('checks an empty history as ok', () => {
    const result = checkOperations(kvModel, []);
    expect(result.verdict).toBe('ok');
    expect(result.partitions).toEqual([]);
  });

  it('refuses operations that return before they are called, and bad budgets', () => {
    expect(() => checkOperations(register, [put(1, 10, 5)])).toThrow(/operation 0 must have numbers call <= return/);
    expect(() => checkOperations(register, [], { budgetSteps: -1 })).toThrow(/budgetSteps must be a number >= 0/);
  });
});

describe('events', () => {
  it('turns a call without a return into an operation that never returned', () => {
    const ops = operationsFromEvents<RegisterInput, RegisterOutput>([
      { kind: 'call', id: 7, clientId: 0, input: { op: 'put', value: 1 } },
      { kind: 'call', id: 8, clientId: 1, input: { op: 'get' } },
      { kind: 'return', id: 8, clientId: 1, output: { value: 1 } },
    ]);
    expect(ops).toEqual([
      { clientId: 0, input: { op: 'put', value: 1 }, call: 0, output: undefined, return: Infinity },
      { clientId: 1, input: { op: 'get' }, call: 1, output: { value: 1 }, return: 2 },
    ]);
    expect(checkOperations(register, ops).verdict).toBe('ok');
  });

  it('refuses a return without a call', () => {
    expect(() => operationsFromEvents([{ kind: 'return', id: 1, clientId: 0, output: undefined }])).toThrow(/no open call/);
  });
});

/** Tries every order that respects real time: the definition of linearizability, for tiny histories. */
function linearizableByBruteForce<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const used = new Array<boolean>(ops.length).fill(false);
  const search = (state: S, left: number): boolean => {
    if (left === 0) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      if (ops.some((o, j) => !used[j] && j !== i && o.return < ops[i]!.call)) continue;
      const next = model.step(state, ops[i]!.input, ops[i]!.output);
      if (next === undefined) continue;
      used[i] = true;
      const found = search(next, left - 1);
      used[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(model.init(), ops.length);
}

describe('agreement with a brute-force checker on random small histories', () => {
  const interval = fc.record({ call: fc.integer({ min: 0, max: 20 }), length: fc.integer({ min: 0, max: 12 }), open: fc.boolean() });
  const etcdOp = fc.record({
    interval,
    input: fc.oneof(
      fc.constant<EtcdInput>({ f: 'read' }),
      fc.integer({ min: 0, max: 2 }).map<EtcdInput>((value) => ({ f: 'write', value })),
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map<EtcdInput>(([from, to]) => ({ f: 'cas', from, to })),
    ),
    seen: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    ok: fc.boolean(),
    unknown: fc.boolean(),
  });
  const history = fc.array(etcdOp, { minLength: 1, maxLength: 7 }).map((rows) =>
    rows.map(({ interval: { call, length, open }, input, seen, ok, unknown }, clientId): Operation<EtcdInput, EtcdOutput> => {
      const output: EtcdOutput | undefined = open || unknown ? undefined : input.f === 'read' ? { ok: true, value: seen } : { ok: input.f === 'write' || ok };
      return { clientId, input, call, return: open ? Infinity : call + length, output };
    }),
  );
  const withoutPromise: Model<number | null, EtcdInput, EtcdOutput> = { ...etcdModel, unknownOutcomeLegal: false };

  it('gives the same verdict as trying every order (etcd model, with and without deferring open operations)', () => {
    let disagreements = 0;
    let illegal = 0;
    fc.assert(
      fc.property(history, (ops) => {
        const expected = linearizableByBruteForce(etcdModel, ops) ? 'ok' : 'illegal';
        if (expected === 'illegal') illegal++;
        const got = checkOperations(etcdModel, ops).verdict;
        const gotPlain = checkOperations(withoutPromise, ops).verdict;
        if (got !== expected || gotPlain !== expected) disagreements++;
        return got === expected && gotPlain === expected;
      }),
      { numRuns: 1500, seed: 20240611 },
    );
    expect(disagreements).toBe(0);
    // The generator exercises both verdicts.
    expect(illegal).toBeGreaterThan(100);
  });

  const kvHistory = fc
    .array(
      fc.record({
        interval,
        op: fc.constantFrom<0 | 1 | 2 | 3>(0, 0, 1, 2, 3),
        key: fc.constantFrom('a', 'b'),
        value: fc.constantFrom('x', 'y', 'xy', ''),
        unknown: fc.boolean(),
      }),
      { minLength: 1, maxLength: 7 },
    )
    .map((rows) =>
      rows.map(({ interval: { call, length, open }, op, key, value, unknown }, clientId): Operation<KvInput, KvOutput> => ({
        clientId,
        input: { op, key, value: op === 0 ? '' : value.slice(0, 1) },
        call,
        return: open ? Infinity : call + length,
        output: open || unknown ? undefined : { value: op === 0 || op === 3 ? value : '' },
      })),
    );

  it('gives the same verdict as trying every order (kv, partitioned and not)', () => {
    let illegal = 0;
    fc.assert(
      fc.property(kvHistory, (ops) => {
        const expected = linearizableByBruteForce(kvModelUnpartitioned, ops) ? 'ok' : 'illegal';
        if (expected === 'illegal') illegal++;
        return checkOperations(kvModel, ops).verdict === expected && checkOperations(kvModelUnpartitioned, ops).verdict === expected;
      }),
      { numRuns: 1500, seed: 7 },
    );
    expect(illegal).toBeGreaterThan(100);
  });
});
