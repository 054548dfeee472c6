import { describe, expect, it } from 'vitest';
import type { Prng } from '../../sim/prng.ts';
import { explain, statesAlong } from './explain.ts';
import {
  checkOperations,
  etcdModel,
  kvModel,
  kvModelUnpartitioned,
  registerModel,
  type AnyModel,
  type CheckOptions,
  type CheckResult,
  type EtcdInput,
  type EtcdOutput,
  type EtcdState,
  type KvInput,
  type KvOutput,
  type Model,
  type NondeterministicModel,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
} from './index.ts';
import { determinize } from './determinize.ts';
import { ILLEGAL, OK, PartitionSearch, type SearchOptions } from './search.ts';
import { SequentialSearch } from './sequential.ts';
import { segmentedHistory, type Workload } from './testing/segmented-history.ts';
import { sequentialKvHistory } from './testing/sequential-history.ts';

/** Everything but the wall clock. */
const comparable = (r: CheckResult) => ({ verdict: r.verdict, partitions: r.partitions, steps: r.steps, stopped: r.stopped });
/**
 * Everything but the wall clock and step counts: a sequential partition is
 * checked by a fold (sequential.ts), one step per operation, with cuts on only.
 */
const answers = (r: CheckResult) => ({ verdict: r.verdict, partitions: r.partitions.map(({ steps: _, ...p }) => p), stopped: r.stopped });

// ---- workloads ---------------------------------------------------------------------------------

const kvWorkload = (keys: number): Workload<ReadonlyMap<string, string>, KvInput, KvOutput> => ({
  init: new Map(),
  input(rng) {
    const key = String(rng.below(keys));
    const kind = rng.below(4) as 0 | 1 | 2 | 3;
    return { op: kind, key, value: kind === 0 ? '' : `${'abc'[rng.below(3)]}` };
  },
  perform(state, input) {
    const old = state.get(input.key) ?? '';
    const value = input.op === 0 ? old : input.op === 1 ? input.value : old + input.value;
    const next = new Map(state).set(input.key, value);
    return { output: { value: input.op === 0 || input.op === 3 ? old : '' }, next };
  },
  corrupt: (input, output, rng) => (input.op === 0 || input.op === 3 ? { value: output.value + 'abc'[rng.below(3)] } : undefined),
});

const registerWorkload: Workload<number, RegisterInput, RegisterOutput> = {
  init: 0,
  input: (rng) => (rng.chance(1, 2) ? { op: 'get' } : { op: 'put', value: rng.below(3) }),
  perform: (state, input) => (input.op === 'get' ? { output: { value: state }, next: state } : { output: {}, next: input.value }),
  corrupt: (input, output) => (input.op === 'get' ? { value: (output.value! + 1) % 3 } : undefined),
};

const etcdWorkload: Workload<EtcdState, EtcdInput, EtcdOutput> = {
  init: null,
  input(rng) {
    const k = rng.below(3);
    return k === 0 ? { f: 'read' } : k === 1 ? { f: 'write', value: rng.below(3) } : { f: 'cas', from: rng.below(3), to: rng.below(3) };
  },
  perform(state, input) {
    if (input.f === 'read') return { output: { ok: true, value: state }, next: state };
    if (input.f === 'write') return { output: { ok: true }, next: input.value };
    return state === input.from ? { output: { ok: true }, next: input.to } : { output: { ok: false }, next: state };
  },
  corrupt: (input, output) =>
    input.f === 'read' ? { ok: true, value: output.value === null ? 0 : null } : input.f === 'cas' ? { ok: !output.ok } : undefined,
};

/** Porcupine's nondeterministic example: put-any stores any subset of its values; get-any reads any subset; get-all reads all. */
type AnyIn = { op: 'put-any' | 'get-any' | 'get-all'; values: number[] };
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const subsets = (xs: number[]): number[][] => xs.reduce<number[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
const anySubsetModel: NondeterministicModel<readonly number[], AnyIn, number[]> = {
  nondeterministic: true,
  init: () => [[]],
  step(state, input, output) {
    const out = sorted(output ?? []);
    if (input.op === 'put-any') return subsets(sorted(input.values));
    if (input.op === 'get-any') return out.every((x) => state.includes(x)) ? [state] : [];
    return same(out, state) ? [state] : [];
  },
  equal: same,
  hash: (s) => s.reduce((h, x) => Math.imul(h ^ x, 16777619), 7),
};
const pick = (xs: readonly number[], rng: Prng) => xs.filter(() => rng.chance(1, 2));
const anySubsetWorkload: Workload<readonly number[], AnyIn, number[]> = {
  init: [],
  input(rng) {
    const k = rng.below(3);
    return k === 0 ? { op: 'put-any', values: pick([1, 2, 3], rng) } : { op: k === 1 ? 'get-any' : 'get-all', values: [] };
  },
  perform(state, input, rng) {
    if (input.op === 'put-any') return { output: [], next: sorted(pick(input.values, rng)) };
    return { output: input.op === 'get-all' ? [...state] : pick(state, rng), next: state };
  },
  corrupt: (input, output) => (input.op === 'put-any' ? undefined : [...output, 4]),
};

// ---- agreement with the search without cuts ----------------------------------------------------

interface Tally {
  ok: number;
  illegal: number;
  unknown: number;
  /** Histories whose first partition had several segments. */
  cut: number;
}

/**
 * Each partition searched to the end with these options: status, steps,
 * linearization and failing operation. Partitions as checkOperations makes them.
 */
function searchPartitions<S, I, O>(model: AnyModel<S, I, O>, ops: readonly Operation<I, O>[], options: SearchOptions): unknown[] {
  const m = (model.nondeterministic ? determinize(model) : model) as Model<unknown, I, O>;
  const groups = new Map<string, Operation<I, O>[]>();
  const byCall = ops.map((_, i) => i).sort((a, b) => ops[a]!.call - ops[b]!.call || a - b);
  for (const i of byCall) {
    const key = m.partition ? m.partition(ops[i]!.input) : '';
    groups.set(key, [...(groups.get(key) ?? []), ops[i]!]);
  }
  return [...groups.values()].map((group) => {
    const search = new PartitionSearch(m, group, options);
    const status = search.run(Infinity, Infinity);
    return { status, steps: search.steps, linearization: search.linearization(), failing: status === ILLEGAL ? search.firstUnplaced() : undefined };
  });
}

/**
 * Checks `runs` random histories with and without cuts; returns the histories
 * that disagreed and a tally. Twice: through checkOperations, and partition by
 * partition with every set hashing alike, where the memo can only tell
 * configurations apart by a segment's stored words (a hit on the 64-bit hash
 * alone would otherwise hide a wrong choice of words).
 */
function compareOnRandomHistories<S, I, O>(
  model: AnyModel<S, I, O>,
  workload: Workload<unknown, I, O>,
  runs: number,
  options: CheckOptions = {},
  groupMax = 3,
): { disagreements: number[]; tally: Tally } {
  const disagreements: number[] = [];
  const tally: Tally = { ok: 0, illegal: 0, unknown: 0, cut: 0 };
  for (let seed = 1; seed <= runs; seed++) {
    const ops = segmentedHistory(workload, { seed, operations: 8 + (seed % 40), corrupt: seed % 2 === 0, groupMax });
    const withCuts = checkOperations(model, ops, options);
    const without = checkOperations(model, ops, { ...options, cuts: false });
    const same = options.budgetSteps === undefined ? answers : comparable;
    if (JSON.stringify(same(withCuts)) !== JSON.stringify(same(without))) disagreements.push(seed);
    else if (options.budgetSteps === undefined) {
      const exact = searchPartitions(model, ops, { cuts: true, sameHashes: true });
      if (JSON.stringify(exact) !== JSON.stringify(searchPartitions(model, ops, { cuts: false }))) disagreements.push(-seed);
    }
    tally[withCuts.verdict]++;
    const first = withCuts.partitions[0];
    if (first !== undefined && segmentsOf(first.operations.map((i) => ops[i]!)) > 1) tally.cut++;
  }
  return { disagreements, tally };
}

/** Segments depend on times alone. */
function segmentsOf<I, O>(ops: readonly Operation<I, O>[]): number {
  return new PartitionSearch<number, I, O>({ init: () => 0, step: () => 0 }, ops).segments;
}

describe('quiescent cuts agree with the search without them', () => {
  // Same traversal, same memo answers: not only the verdicts but the linearizations and failing operations match, and
  // partition by partition (searchPartitions) the step counts too.
  it.each([
    ['kv (partitioned, 3 keys)', kvModel, kvWorkload(3)],
    ['kv unpartitioned (2 keys)', kvModelUnpartitioned, kvWorkload(2)],
    ['register', registerModel(0), registerWorkload],
    ['etcd', etcdModel, etcdWorkload],
    ['a nondeterministic model', anySubsetModel, anySubsetWorkload],
  ] as const)('%s: 400 random histories, ok and illegal', (_, model, workload) => {
    const { disagreements, tally } = compareOnRandomHistories(model as AnyModel<unknown, unknown, unknown>, workload as Workload<unknown, unknown, unknown>, 400);
    expect(disagreements).toEqual([]);
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.illegal).toBeGreaterThan(80);
    expect(tally.cut).toBeGreaterThan(300);
  });

  it('agrees under a step budget too: the same partitions undecided after the same steps', () => {
    const workload = kvWorkload(2) as Workload<unknown, KvInput, KvOutput>;
    const { disagreements, tally } = compareOnRandomHistories(kvModelUnpartitioned, workload, 200, { budgetSteps: 40, turnSteps: 7 }, 6);
    expect(disagreements).toEqual([]);
    expect(tally.unknown).toBeGreaterThan(50);
  });

  it('finds the cuts where nothing is pending, and none after an operation that never returned', () => {
    type Op = Operation<RegisterInput, RegisterOutput>;
    const op = (call: number, ret: number, output: RegisterOutput | undefined = {}): Op => ({ clientId: 0, input: { op: 'put', value: 1 }, call, return: ret, output });
    const register = registerModel(0);
    // [0,2] [3,5] | touching: [5,6] is concurrent with [3,5] | [7,9] and [8,12] | [13,13]
    expect(new PartitionSearch(register, [op(0, 2), op(3, 5), op(5, 6), op(7, 9), op(8, 12), op(13, 13)]).segments).toBe(4);
    // Out of call order, the same.
    expect(new PartitionSearch(register, [op(13, 13), op(8, 12), op(0, 2), op(5, 6), op(7, 9), op(3, 5)]).segments).toBe(4);
    // Never returned at 3: no cut after it, deferrable or not.
    expect(new PartitionSearch(register, [op(0, 2), op(3, Infinity, undefined), op(7, 9), op(13, 13)]).segments).toBe(2);
    expect(new PartitionSearch({ ...register, unknownOutcomeLegal: false }, [op(0, 2), op(3, Infinity, undefined), op(7, 9)]).segments).toBe(2);
    expect(new PartitionSearch(register, [op(0, 2), op(3, 5)], { cuts: false }).segments).toBe(1);
  });
});

// ---- states carried across a cut ----------------------------------------------------------------

describe('several states at a cut', () => {
  type Op = Operation<RegisterInput, RegisterOutput>;
  const register = registerModel(0);
  const put = (value: number, call: number, ret: number): Op => ({ clientId: value, input: { op: 'put', value }, call, return: ret, output: {} });
  const get = (value: number, call: number, ret: number): Op => ({ clientId: 9, input: { op: 'get' }, call, return: ret, output: { value } });

  it('goes back into the segment before a cut for another end state when the next segment fails from the first', () => {
    // put 1 ∥ put 2, then (after a cut) read 1: only the order put 2, put 1 explains it.
    const ops = [put(1, 0, 10), put(2, 1, 10), get(1, 20, 21), put(3, 30, 31), get(3, 40, 41)];
    const result = checkOperations(register, ops);
    expect(result.verdict).toBe('ok');
    expect(result.partitions[0]!.linearization).toEqual([1, 0, 2, 3, 4]);
  });

  it('explains a failure after an ambiguous segment: a prefix through the earlier segments, then the partial failing one', () => {
    // Segments: {put 1 ∥ put 2} | {get 2} | {put 5 ∥ get 4}: no order of the last explains get 4.
    const ops = [put(1, 0, 10), put(2, 1, 10), get(2, 20, 21), put(5, 30, 40), get(4, 31, 39)];
    const result = checkOperations(register, ops);
    const part = result.partitions[0]!;
    expect(result.verdict).toBe('illegal');
    expect(part.linearization).toEqual([0, 1, 2, 3]);
    expect(part.failing).toBe(4);
    expect(statesAlong(register, ops, part.linearization)).toEqual([0, 1, 2, 2, 5]);
    expect(explain(register, ops, result)).toContain('cannot be placed next: client 9 [31, 39] get() → 4');
  });

  it('carries a nondeterministic model’s possible states across cuts and narrows them later', () => {
    const op = (o: AnyIn['op'], values: number[], output: number[], call: number): Operation<AnyIn, number[]> => ({
      clientId: call,
      input: { op: o, values },
      call,
      return: call + 1,
      output,
    });
    // Each operation its own segment: put-any {1,2,3} leaves eight possible states; the reads narrow them.
    const history = [op('put-any', [1, 2, 3], [], 0), op('get-any', [], [1], 10), op('get-any', [], [3], 20)];
    expect(checkOperations(anySubsetModel, [...history, op('get-all', [], [1, 3], 30)]).verdict).toBe('ok');
    expect(checkOperations(anySubsetModel, [...history, op('get-all', [], [1, 2, 3], 30)]).verdict).toBe('ok');
    const bad = checkOperations(anySubsetModel, [...history, op('get-all', [], [1, 2], 30)]);
    expect(bad.verdict).toBe('illegal');
    expect(bad.partitions[0]!.failing).toBe(3);
    expect(bad.partitions[0]!.linearization).toEqual([0, 1, 2]);
  });
});

// ---- long sequential histories ------------------------------------------------------------------

describe('a long sequential history (100,000 operations, one key)', () => {
  const N = 100_000;
  const history = sequentialKvHistory(N);

  it('checks ok in about one search step per operation', () => {
    const result = checkOperations(kvModel, history, { budgetSteps: 3 * N });
    expect(result.verdict).toBe('ok');
    expect(result.steps).toBeLessThanOrEqual(N + 1);
    const order = result.partitions[0]!.linearization;
    expect(order.length).toBe(N);
    expect(order.every((op, k) => op === k)).toBe(true);
  });

  it('stores each configuration in the words of its own segment, not the history', () => {
    const search = new PartitionSearch(kvModel, history);
    expect(search.segments).toBe(N);
    search.run(Infinity, Infinity);
    expect(search.visitedCount).toBe(N);
    // With a bitset per configuration, this would be N × N / 8 bytes (1.25 GB).
    expect(search.visitedBytes).toBeLessThan(64 * N);
  });

  it('finds a stale read near the end, names it, and gives every operation before it as the prefix', () => {
    const bad = 90_000; // a get (90,000 % 3 = 0)
    const ops = history.map((op, i) => (i === bad ? { ...op, output: { value: history[bad - 3]!.output!.value } } : op));
    const result = checkOperations(kvModel, ops, { budgetSteps: 3 * N });
    const part = result.partitions[0]!;
    expect(result.verdict).toBe('illegal');
    expect(part.failing).toBe(bad);
    expect(part.linearization.length).toBe(bad);
    expect(part.linearization.every((op, k) => op === k)).toBe(true);
    // The explanation lists the last 40 operations of the prefix, not 90,000.
    const lines = explain(kvModel, ops, result).split('\n');
    expect(lines.length).toBeLessThan(50);
    expect(lines).toContain('    … 89960 operations not listed, leaving state "put 89959;"');
    expect(lines.at(-2)).toBe(`  cannot be placed next: client ${bad} [${2 * bad}, ${2 * bad + 1}] get("k") → "put 89995;+89996;"`);
  });

  it('finds an append that returned a wrong old value', () => {
    const bad = 70_001; // an append with return (70,001 % 3 = 2)
    const ops = history.map((op, i) => (i === bad ? { ...op, output: { value: `${op.output!.value}x` } } : op));
    const result = checkOperations(kvModel, ops, { budgetSteps: 3 * N });
    expect(result.verdict).toBe('illegal');
    expect(result.partitions[0]!.failing).toBe(bad);
    expect(result.partitions[0]!.linearization.length).toBe(bad);
  });

  it('abbreviates long states and operations in the explanation', () => {
    const long = 'y'.repeat(1000);
    const ops: Operation<KvInput, KvOutput>[] = [
      { clientId: 0, input: { op: 1, key: 'k', value: long }, call: 0, return: 1, output: { value: '' } },
      { clientId: 1, input: { op: 0, key: 'k', value: '' }, call: 2, return: 3, output: { value: `${long}z` } },
    ];
    const text = explain(kvModel, ops, checkOperations(kvModel, ops));
    expect(text).toContain('… (1002 characters)'); // the state: JSON quotes included
    expect(text).toContain('… (1030 characters)'); // the failing get, with its client and times
    expect(text.length).toBeLessThan(1200);
  });
});

describe('sequential partitions are checked by a fold', () => {
  it.each([
    ['kv (partitioned, 3 keys)', kvModel, kvWorkload(3)],
    ['kv unpartitioned (2 keys)', kvModelUnpartitioned, kvWorkload(2)],
    ['register', registerModel(0), registerWorkload],
    ['etcd', etcdModel, etcdWorkload],
    ['a nondeterministic model', anySubsetModel, anySubsetWorkload],
  ] as const)('%s: the same answers as the general search, one model step per operation', (_, anyModel, workload) => {
    const model = (anyModel.nondeterministic ? determinize(anyModel as NondeterministicModel<unknown, unknown, unknown>) : anyModel) as Model<unknown, unknown, unknown>;
    const tally = { ok: 0, illegal: 0, pending: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const n = 5 + (seed % 60);
      const ops = segmentedHistory(workload as Workload<unknown, unknown, unknown>, { seed, operations: n, sequentialPrefix: n, corrupt: seed % 2 === 0 });
      let calls = 0;
      const counted: Model<unknown, unknown, unknown> = { ...model, step: (s, i, o) => (calls++, model.step(s, i, o)) };
      const fast = checkOperations(counted, ops);
      expect(fast.partitions.every((p) => SequentialSearch.applies(p.operations.map((i) => ops[i]!)))).toBe(true);
      // Partition by partition against the general search run to the end (after an illegal partition, the check
      // leaves the others undecided, at points that depend on step counts).
      const slow = searchPartitions(model, ops, { cuts: false }) as { status: number; linearization: number[]; failing?: number }[];
      fast.partitions.forEach((p, k) => {
        if (p.verdict === 'unknown') return expect(fast.verdict).toBe('illegal');
        const local = slow[k]!;
        expect(p.verdict).toBe(local.status === OK ? 'ok' : 'illegal');
        expect(p.linearization).toEqual(local.linearization.map((i) => p.operations[i]));
        expect(p.failing).toEqual(local.failing === undefined ? undefined : p.operations[local.failing]);
      });
      expect(calls).toBeLessThanOrEqual(n);
      if (fast.verdict === 'ok') expect(fast.steps).toBe(calls);
      tally[fast.verdict as 'ok' | 'illegal']++;
      if (ops.at(-1)!.return === Infinity) tally.pending++;
    }
    expect(tally.ok).toBeGreaterThan(80);
    expect(tally.illegal).toBeGreaterThan(40);
    expect(tally.pending).toBeGreaterThan(30);
  });

  it('is not used for a history with a pending operation before the last, or with touching intervals', () => {
    type Op = Operation<RegisterInput, RegisterOutput>;
    const op = (call: number, ret: number, output: RegisterOutput | undefined = {}): Op => ({ clientId: 0, input: { op: 'put', value: 1 }, call, return: ret, output });
    expect(SequentialSearch.applies([op(0, 2), op(3, 5), op(6, Infinity, undefined)])).toBe(true);
    expect(SequentialSearch.applies([op(0, 2), op(3, Infinity, undefined), op(6, 7)])).toBe(false);
    expect(SequentialSearch.applies([op(0, 2), op(2, 5)])).toBe(false);
  });
});

/** Tries every order that respects real time, without a memo: the definition, for histories with few choices. */
function linearizableByBruteForce<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const order = ops.map((_, i) => i).sort((a, b) => ops[a]!.call - ops[b]!.call);
  const used = new Uint8Array(ops.length);
  const search = (state: S, left: number): boolean => {
    if (left === 0) return true;
    // Candidates: unused operations called before every unused operation has returned.
    let firstReturn = Infinity;
    for (const i of order) if (!used[i]) firstReturn = Math.min(firstReturn, ops[i]!.return);
    for (const i of order) {
      if (used[i]) continue;
      if (ops[i]!.call > firstReturn) break;
      const next = model.step(state, ops[i]!.input, ops[i]!.output);
      if (next === undefined) continue;
      used[i] = 1;
      const found = search(next, left - 1);
      used[i] = 0;
      if (found) return true;
    }
    return false;
  };
  return search(model.init(), ops.length);
}

describe('forgetting the states of a committed prefix', () => {
  it('holds a bounded number of states on a long sequential history', () => {
    const search = new PartitionSearch(kvModel, sequentialKvHistory(20_000));
    expect(search.run(Infinity, Infinity)).toBe(OK);
    expect(search.statesHeld).toBeLessThan(100);
  });

  it('gives the right verdict after forgetting, also when a forgotten state comes back', () => {
    // 300 operations one at a time on one key (appends make new states; puts of one letter bring old ones back),
    // then a few small concurrent groups where the search has to choose and backtrack.
    const verdicts = { ok: 0, illegal: 0 };
    let wrong = 0;
    let forgot = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const ops = segmentedHistory(kvWorkload(1), { seed, operations: 310, sequentialPrefix: 300, corrupt: seed % 2 === 0, groupMax: 4 });
      const expected = linearizableByBruteForce(kvModel, ops) ? 'ok' : 'illegal';
      const search = new PartitionSearch(kvModel, ops);
      const got = search.run(Infinity, Infinity) === OK ? 'ok' : 'illegal';
      verdicts[expected]++;
      if (got !== expected) wrong++;
      if (search.statesHeld < 100) forgot++;
    }
    expect(wrong).toBe(0);
    expect(verdicts.ok).toBeGreaterThan(15);
    expect(verdicts.illegal).toBeGreaterThan(15);
    expect(forgot).toBeGreaterThan(30);
  });
});

describe('a pending operation early in a sequential history', () => {
  type Op = Operation<KvInput, KvOutput>;
  /** 300 sequential puts and gets of key k, with a put of "p" at time 5 that never returns. */
  function history(seen: (i: number, value: string) => string): Op[] {
    const ops: Op[] = [{ clientId: 999, input: { op: 1, key: 'k', value: 'p' }, call: 5, return: Infinity, output: undefined }];
    let value = '';
    for (let i = 0; i < 300; i++) {
      const call = 10 * i;
      if (i % 2 === 0) {
        value = `v${i}`;
        ops.push({ clientId: i, input: { op: 1, key: 'k', value }, call, return: call + 1, output: { value: '' } });
      } else ops.push({ clientId: i, input: { op: 0, key: 'k', value: '' }, call, return: call + 1, output: { value: seen(i, value) } });
    }
    return ops;
  }
  const plain = { ...kvModel, unknownOutcomeLegal: false };

  it('lets the pending put take effect anywhere after its call, once', () => {
    // Read 151 sees the pending put: ok.
    const ok = history((i, value) => (i === 151 ? 'p' : value));
    // Read 151 and read 201 both see it, but put 200 came between them: illegal.
    const bad = history((i, value) => (i === 151 || i === 201 ? 'p' : value));
    for (const model of [kvModel, plain]) {
      expect(checkOperations(model, ok).verdict).toBe('ok');
      const result = checkOperations(model, bad);
      expect(result.verdict).toBe('illegal');
      expect(comparable(result)).toEqual(comparable(checkOperations(model, bad, { cuts: false })));
      expect(result.partitions[0]!.failing).toBe(202); // read 201 (history index 202: the pending put is first)
    }
  });

  it('keeps cuts before the pending operation and none after it', () => {
    const ops = history((_, value) => value);
    expect(new PartitionSearch(kvModel, ops).segments).toBe(2); // [0, 1] | the pending put at 5 and all after it
    const later = ops.map((op) => (op.clientId === 999 ? { ...op, call: 1005 } : op));
    expect(new PartitionSearch(kvModel, later).segments).toBe(102); // 101 called at 0, 10, …, 1000, then one from 1005 on
  });
});
