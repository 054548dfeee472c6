/**
 * The search for a partition whose history is sequential: every operation
 * returned before the next one was called (strictly: intervals that touch
 * are concurrent), so real time allows exactly one order and checking is a
 * fold of the model over it. Most long histories of the lab tests are like
 * this (one clerk appending 1000 times, 100,000 clerks one operation each),
 * and the fold holds one state and steps each operation once: no state
 * table, no memo, no hashing of states.
 *
 * The last operation may be pending. If it is deferrable (see search.ts) it
 * goes last without a step; otherwise it is stepped with its unknown output,
 * as the general search does.
 *
 * Same interface and verdicts as PartitionSearch; a step is one operation.
 */
import type { Model, Operation } from './types.ts';
import { ILLEGAL, isDeferrable, OK, RUNNING, type SearchStatus } from './search.ts';

export class SequentialSearch<S, I, O> {
  status: SearchStatus = RUNNING;
  steps = 0;
  /** Operations placed so far (indices into the partition's list, which is in call order). */
  private depth = 0;
  private state: S;
  /** Operations that must be stepped (the last one excluded when deferrable). */
  private readonly stepped: number;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly ops: readonly Operation<I, O>[],
  ) {
    this.state = model.init();
    const last = ops.at(-1);
    this.stepped = last !== undefined && isDeferrable(model, last) ? ops.length - 1 : ops.length;
    if (this.stepped === 0) this.status = OK;
  }

  /**
   * Whether `ops` (in call order) is sequential, with a pending operation
   * at most last.
   */
  static applies<I, O>(ops: readonly Operation<I, O>[]): boolean {
    for (let i = 1; i < ops.length; i++) if (!(ops[i - 1]!.return < ops[i]!.call)) return false;
    return true;
  }

  run(maxSteps: number, deadlineMs: number): SearchStatus {
    if (this.status !== RUNNING) return this.status;
    const { model, ops } = this;
    const watchClock = deadlineMs !== Infinity;
    const end = Math.min(this.stepped, this.depth + maxSteps);
    let state = this.state;
    let depth = this.depth;
    let status: SearchStatus = RUNNING;
    while (depth < end) {
      const op = ops[depth]!;
      const after = model.step(state, op.input, op.output);
      if (after === undefined) {
        status = ILLEGAL;
        break;
      }
      state = after;
      depth++;
      if (watchClock && (depth & 255) === 0 && performance.now() > deadlineMs) break;
    }
    this.steps += depth - this.depth + (status === ILLEGAL ? 1 : 0);
    this.state = state;
    this.depth = depth;
    if (status === RUNNING && depth === this.stepped) status = OK;
    this.status = status;
    return status;
  }

  /** The operations placed (partition-local); once OK, all of them in call order. */
  linearization(): number[] {
    const n = this.status === OK ? this.ops.length : this.depth;
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  /** The operation that could not be placed (partition-local), if any. */
  firstUnplaced(): number | undefined {
    return this.depth < this.ops.length ? this.depth : undefined;
  }
}
