/**
 * The vocabulary of the linearizability checker: operations, models, verdicts
 * and results. Everything else in this folder is private to it; callers use
 * index.ts.
 */

/**
 * One client operation. Its interval [call, return] is closed: two operations
 * whose intervals touch (one returns at the time the other is called) are
 * concurrent, because at equal times calls come before returns.
 */
export interface Operation<I, O> {
  /** The client (process) that issued it; a client has at most one operation open at a time. */
  readonly clientId: number;
  readonly input: I;
  /** Call time, in any unit the whole history shares (simlab scenarios: virtual microseconds). */
  readonly call: number;
  /**
   * What it returned, or undefined when the outcome is unknown (it never
   * returned, or it timed out): it may or may not have taken effect, and the
   * model decides what an unknown outcome allows.
   */
  readonly output: O | undefined;
  /** Return time; Infinity for an operation that never returned. Invariant: call <= return. */
  readonly return: number;
}

/**
 * A history as a list of events, in the order they happened. A call and its
 * return share `id`; a call without a return is an operation that never
 * returned. Times are the positions in the list.
 */
export type HistoryEvent<I, O> =
  | { readonly kind: 'call'; readonly id: number; readonly clientId: number; readonly input: I }
  | { readonly kind: 'return'; readonly id: number; readonly clientId: number; readonly output: O | undefined };

/** What every model may offer besides its step: partitioning and descriptions. */
export interface ModelExtras<S, I, O> {
  /** A short name for reports. */
  readonly name?: string;
  /**
   * States equal for the model. Default: SameValueZero, which suits primitive
   * states; an object state needs `equal` (and `hash`, for speed).
   */
  equal?(a: S, b: S): boolean;
  /** A 32-bit hash consistent with `equal`. */
  hash?(state: S): number;
  /**
   * The partition an operation belongs to (for the KV model: its key). Each
   * partition is checked on its own, which is sound only when the model is
   * P-compositional over these keys.
   */
  partition?(input: I): string;
  describeOperation?(input: I, output: O | undefined): string;
  describeState?(state: S): string;
  /**
   * A promise that an operation with an unknown outcome (output undefined) is
   * legal in every state. It lets the search postpone an operation that never
   * returned (it can always go last) rather than try it at every point where
   * it changes nothing — a large saving on histories with many timeouts.
   */
  readonly unknownOutcomeLegal?: boolean;
  /**
   * True for an operation that never changes the state wherever it is legal
   * (a read, a failed compare-and-set). The search then places it as soon as
   * it is legal and tries no alternative. A wrong answer makes verdicts wrong.
   */
  readOnly?(input: I, output: O | undefined): boolean;
}

/**
 * A sequential specification with one next state per step. States are never
 * undefined, and steps are pure: the checker calls them at most once per
 * (state, operation) and may reuse the answer.
 */
export interface Model<S, I, O> extends ModelExtras<S, I, O> {
  readonly nondeterministic?: false;
  init(): S;
  /** The state after the operation, or undefined when the operation is not legal in `state`. */
  step(state: S, input: I, output: O | undefined): S | undefined;
  /**
   * A model with the same legal sequences (and readOnly, unknownOutcomeLegal)
   * but states of its own, cheaper to search; the general search runs it
   * instead (the fold of a sequential partition and explanations run this
   * one). Verdicts must not change; a copy of the model with another step
   * must leave it out.
   */
  readonly searchWith?: Model<any, I, O>;
  /**
   * Whether the search should look for an equal state met before (default:
   * always). A model whose new states are almost never equal to earlier ones
   * (values built by appends) can say no for those: such a state then gets
   * an id of its own even if an equal one exists, which can cost the search
   * repeated work but never changes a verdict.
   */
  worthInterning?(state: S): boolean;
  /**
   * For a read-only operation with a known output that is not legal in
   * `state`: false when it is also not legal in any state that steps of
   * operations `resets` says no to can lead to from `state`. The search then
   * abandons a configuration in `state` while that operation waits to be
   * placed and no resetting operation that may enable it could come before
   * it: a wrong order fails when a pending read contradicts it, not when
   * the read's return is reached. A wrong false makes verdicts wrong.
   */
  mayBecomeLegal?(state: S, input: I, output: O): boolean;
  /** Whether an operation may set the state whatever it was (a put); default: none does. */
  resets?(input: I): boolean;
  /**
   * For a resetting operation and such a read: false when the read is legal
   * in no state that steps of non-resetting operations lead to from any
   * state after the reset. Default true.
   */
  resetMayEnable?(reset: I, readInput: I, readOutput: O): boolean;
}

/** A sequential specification whose step may lead to several states (none = not legal). */
export interface NondeterministicModel<S, I, O> extends ModelExtras<S, I, O> {
  readonly nondeterministic: true;
  init(): readonly S[];
  step(state: S, input: I, output: O | undefined): readonly S[];
}

export type AnyModel<S, I, O> = Model<S, I, O> | NondeterministicModel<S, I, O>;

/**
 * 'ok': linearizable; 'illegal': not linearizable; 'unknown': the budget ran
 * out (or the search stopped) before an answer — never a pass.
 */
export type Verdict = 'ok' | 'illegal' | 'unknown';

export interface CheckOptions {
  /**
   * Search steps allowed over all partitions together (deterministic; what
   * scenarios inside the simulator use). Default: no limit.
   */
  readonly budgetSteps?: number;
  /** Wall-clock milliseconds allowed. Default: no limit. */
  readonly budgetMs?: number;
  /** Search steps one partition runs before the next partition's turn. Default 4096. */
  readonly turnSteps?: number;
  /**
   * Split each partition's history at quiescent cuts (points where no
   * operation is pending) and memoise configurations per segment. Default
   * true; false is the plain search, kept for tests and benchmarks (same
   * verdicts, more memory on long histories).
   */
  readonly cuts?: boolean;
}

export interface PartitionResult {
  /** The partition key ('' when the model does not partition). */
  readonly key: string;
  /** 'unknown' marks a partition left undecided (budget out, or another partition was illegal first). */
  readonly verdict: Verdict;
  /** Indices into the checked operations, in call order. */
  readonly operations: readonly number[];
  /**
   * The longest linearizable prefix the search found, as indices into the
   * checked operations in linearization order; for 'ok', a whole linearization.
   */
  readonly linearization: readonly number[];
  /**
   * For 'illegal': the operation that cannot be placed after `linearization`
   * (the earliest-returning operation outside it).
   */
  readonly failing: number | undefined;
  /** Search steps spent on this partition. */
  readonly steps: number;
}

export interface CheckResult {
  readonly verdict: Verdict;
  /** Partitions in search order (by first call). */
  readonly partitions: readonly PartitionResult[];
  readonly steps: number;
  readonly elapsedMs: number;
  /** Why the search stopped before deciding every partition, if it did. */
  readonly stopped: 'illegal' | 'budget-steps' | 'budget-ms' | undefined;
}
