/**
 * Random histories with little concurrency, for the tests of quiescent cuts:
 * runs of sequential operations and small concurrent groups, sometimes
 * overlapping the previous group (no cut there), sometimes with an operation
 * that never returns or one that timed out. Each operation takes effect at a
 * random instant inside its interval (a never-returned one anywhere after its
 * call, or never), and outputs come from that order through the workload, so
 * the history is linearizable by construction; `corrupt` then changes one
 * output, which usually makes it illegal.
 */
import { Prng } from '../../../sim/prng.ts';
import type { Operation } from '../types.ts';

/** How to make inputs, and the outputs a sequential run gives them. */
export interface Workload<S, I, O> {
  readonly init: S;
  input(rng: Prng): I;
  /** One legal outcome of `input` in `state` (a nondeterministic model may pick among several). */
  perform(state: S, input: I, rng: Prng): { readonly output: O; readonly next: S };
  /** A different output for `input`, or undefined when its output cannot be wrong (a blind write). */
  corrupt(input: I, output: O, rng: Prng): O | undefined;
}

export interface SegmentedOptions {
  readonly seed: number;
  readonly operations: number;
  /** Largest concurrent group (default 3). */
  readonly groupMax?: number;
  /** Whether to change one output (default false). */
  readonly corrupt?: boolean;
  /** Operations at the start that run one at a time (default 0). */
  readonly sequentialPrefix?: number;
}

export function segmentedHistory<S, I, O>(workload: Workload<S, I, O>, options: SegmentedOptions): Operation<I, O>[] {
  const rng = new Prng(options.seed);
  const groupMax = options.groupMax ?? 3;
  interface Draft {
    input: I;
    call: number;
    ret: number;
    unknown: boolean;
    at: number;
  }
  const drafts: Draft[] = [];
  let t = 0;
  let lastReturn = 0;
  while (drafts.length < options.operations) {
    const alone = drafts.length < (options.sequentialPrefix ?? 0);
    const size = alone || rng.chance(1, 2) ? 1 : rng.intInclusive(2, groupMax);
    // Usually after everything returned (a cut); sometimes touching or overlapping the previous group.
    const start = alone || rng.chance(4, 5) ? lastReturn + 1 + rng.below(3) : Math.max(t, lastReturn - rng.below(3));
    for (let j = 0; j < size && drafts.length < options.operations; j++) {
      const call = start + rng.below(size === 1 ? 1 : 3);
      const ret = call + rng.below(size === 1 ? 3 : 8);
      drafts.push({ input: workload.input(rng), call, ret, unknown: !alone && rng.chance(1, 20), at: call + rng.below(ret - call + 1) });
      lastReturn = Math.max(lastReturn, ret);
    }
    t = start;
  }
  // Now and then one operation never returns: it takes effect at some point after its call, or never.
  const prefix = Math.min(options.sequentialPrefix ?? 0, drafts.length - 1);
  const pending = rng.chance(1, 3) ? prefix + rng.below(drafts.length - prefix) : -1;
  if (pending >= 0) {
    const d = drafts[pending]!;
    d.ret = Infinity;
    d.unknown = true;
    d.at = rng.chance(1, 2) ? d.call + rng.below(lastReturn - d.call + 2) : Infinity;
  }
  const outputs = new Map<Draft, O>();
  let state = workload.init;
  const effective = drafts.filter((d) => d.at !== Infinity).sort((a, b) => a.at - b.at);
  for (const d of effective) {
    const { output, next } = workload.perform(state, d.input, rng);
    outputs.set(d, output);
    state = next;
  }
  const ops: Operation<I, O>[] = drafts.map((d, i) => ({
    clientId: i,
    input: d.input,
    call: d.call,
    return: d.ret,
    output: d.unknown ? undefined : outputs.get(d),
  }));
  if (options.corrupt) {
    const candidates = ops.flatMap((op, i) => (op.output === undefined ? [] : [i]));
    for (let tries = 0; tries < 10 && candidates.length > 0; tries++) {
      const i = candidates[rng.below(candidates.length)]!;
      const wrong = workload.corrupt(ops[i]!.input, ops[i]!.output as O, rng);
      if (wrong === undefined) continue;
      ops[i] = { ...ops[i]!, output: wrong };
      break;
    }
  }
  return ops;
}
