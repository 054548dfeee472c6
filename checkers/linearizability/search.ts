/**
 * The search for one partition: Wing & Gong's algorithm with Lowe's
 * just-in-time linearization and a memo of visited (linearized set, state)
 * configurations. The entry list, the stack and the linearized set live in
 * typed arrays; the loop allocates nothing. A search is resumable: `run`
 * takes a step allowance and returns, so partitions can take turns.
 *
 * Entries: operation i has call entry 2i and return entry 2i + 1, linked in
 * time order (calls before returns at equal times) between a head and a tail
 * sentinel. Linearizing operation i unlinks both of its entries (dancing
 * links); backtracking relinks them in the reverse order.
 *
 * Deferrable operations — never returned, unknown outcome, and the model
 * promises such operations are legal in every state — have no return entry
 * (it is a self-loop, so unlinking it is a no-op): nothing forces them, and
 * once only they remain the history is linearizable with them at the end.
 * Where linearizing one would leave the state as it is, the search skips it:
 * any completion that places it there can place it last instead. And of two
 * deferrable operations with equal inputs, the later is tried only once the
 * earlier is placed: swapping two such operations changes nothing.
 *
 * Read-only operations (the model says they never change the state) are
 * placed greedily: one that is legal where the search stands is linearized
 * there and no alternative is tried, because any completion that places it
 * later can place it here instead. So when that branch fails (or was
 * visited before), the search backtracks past the current configuration.
 * Each new configuration is scanned twice: first for such a read (phase 0),
 * then for every candidate (phase 1) — once only when there is one candidate.
 *
 * Hopeless reads: when the model offers mayBecomeLegal, a pending read
 * (read-only, known output) that is not legal where the search stands, and
 * that no later state can make legal — the model says so for states reached
 * without a reset, and none of the read's enablers (resets after which it
 * may be legal, that real time lets come before it) is left to place —
 * fails the configuration at once. Without it, a wrong order of appends
 * would be found out only at the read's return, after every order of the
 * operations in between had been tried.
 *
 * Quiescent cuts: in call order, a cut falls before an operation called after
 * every earlier operation has returned (strictly: intervals that touch are
 * concurrent). No linearization reorders operations across a cut, and the
 * scan never passes a return entry, so the search only ever crosses a cut
 * forwards, with the whole segment before it linearized and nothing after it.
 * A configuration is therefore its segment, the linearized operations of that
 * segment and the state: the memo stores it in the bitset words covering the
 * segment, not the whole history. Reaching a cut in a state already reached
 * there is a memo hit, so the states met at each cut are explored once each,
 * depth first (lazily: a segment's other end states are tried only when a
 * later one fails). An operation that never returned has no cut after it
 * (it is pending forever), and neither does one whose return entry is at
 * Infinity. The bitset is indexed by call-order position, so segments are
 * contiguous runs of bits.
 */
import { VisitedSet } from './cache.ts';
import { ILLEGAL_STEP, StateTable, TransitionMemo, UNKNOWN_STEP } from './states.ts';
import type { Model, Operation } from './types.ts';

export interface SearchOptions {
  /** Split at quiescent cuts (default true); false keys every configuration by the whole history's bitset. */
  readonly cuts?: boolean;
  /**
   * For tests: give every set of operations the same hash, so that the memo
   * tells configurations apart by their stored words alone.
   */
  readonly sameHashes?: boolean;
}

/** Under a wall-clock budget, the search looks at the clock after this many model steps (a power of 2). */
const CLOCK_EVERY_MODEL_STEPS = 16;

/** With every stack level forced, forget past states once this many new ones have been interned (1: at each). */
const FORGET_EVERY = 1;

export const RUNNING = 0;
export const OK = 1;
export const ILLEGAL = 2;
export type SearchStatus = typeof RUNNING | typeof OK | typeof ILLEGAL;

export class PartitionSearch<S, I, O> {
  status: SearchStatus = RUNNING;
  /** Loop iterations so far: one per entry looked at. */
  steps = 0;

  private readonly n: number;
  private readonly inputs: I[];
  private readonly outputs: (O | undefined)[];
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly head: number;
  private readonly tail: number;
  /** Position of each operation's return entry in time order. */
  private readonly returnRank: Int32Array;
  /** 1 for deferrable operations (see above). */
  private readonly deferrable: Uint8Array;
  /** For a deferrable operation, the previous deferrable operation with an equal input, else -1. */
  private readonly twin: Int32Array;
  /** 1 for operations the model calls read-only. */
  private readonly readOnly: Uint8Array;
  /** 1 for a read the search may give up on (see the file comment and Model.mayBecomeLegal). */
  private readonly mayGiveUp: Uint8Array;
  /**
   * For such a read, its enablers: the resetting operations that can be
   * linearized while it is pending and after which it may be legal, as
   * enablers[enablersFrom[op] .. enablersFrom[op + 1]).
   */
  private readonly enablersFrom: Int32Array;
  private readonly enablers: Int32Array;
  /** A pseudo return entry: reaching it means "backtrack once more". */
  private readonly backtrack: number;
  /** Per-operation random words; the linearized set's hash is the xor over its members. */
  private readonly zobristLo: Int32Array;
  private readonly zobristHi: Int32Array;
  /** Each operation's bit: its position in call order. */
  private readonly bitOf: Int32Array;
  /** The segment of the configurations with this many operations linearized (index 0..n). */
  private readonly segmentAt: Int32Array;
  /** Per segment, the first and last bitset word its operations' bits fall in. */
  private readonly wordFrom: Int32Array;
  private readonly wordTo: Int32Array;
  /** Quiescent segments of the history (1 without cuts). */
  readonly segments: number;
  private readonly bits: Int32Array;
  private readonly visited: VisitedSet;
  private readonly memo: TransitionMemo;
  private readonly table: StateTable<S>;
  /** Linearized operations, in order, and the state id before each. */
  private readonly stackOp: Int32Array;
  private readonly stackState: Int32Array;
  /** 1 where the linearized operation was placed greedily (read-only): undoing it undoes its configuration too. */
  private readonly stackGreedy: Uint8Array;
  private depth = 0;
  private entry: number;
  /** 0: looking for a legal read-only candidate; 1: trying every candidate. */
  private phase = 0;
  private stateId: number;
  private setLo = 0;
  private setHi = 0;
  /** The longest linearizable prefix seen; its first `bestSame` entries still equal the stack's. */
  private readonly best: Int32Array;
  private bestDepth = 0;
  private bestSame = 0;
  /** Stack levels 0..forcedDepth-1 are all forced: backtracking into them only fails, stepping nothing. */
  private forcedDepth = 0;
  /** The state id from which, with every level forced, the states before are forgotten. */
  private forgetAt = FORGET_EVERY;

  constructor(
    private readonly model: Model<S, I, O>,
    ops: readonly Operation<I, O>[],
    options: SearchOptions = {},
  ) {
    const n = ops.length;
    this.n = n;
    this.inputs = ops.map((op) => op.input);
    this.outputs = ops.map((op) => op.output);
    this.head = 2 * n;
    this.tail = 2 * n + 1;
    this.backtrack = 2 * n + 3;
    this.next = new Int32Array(2 * n + 4);
    this.prev = new Int32Array(2 * n + 4);
    this.readOnly = Uint8Array.from(ops, (op) => (model.readOnly?.(op.input, op.output) ? 1 : 0));
    this.returnRank = new Int32Array(n);
    this.deferrable = new Uint8Array(n);
    this.twin = new Int32Array(n).fill(-1);
    if (model.unknownOutcomeLegal) {
      const lastWithInput = new Map<string, number>();
      ops.forEach((op, i) => {
        if (!isDeferrable(model, op)) return;
        this.deferrable[i] = 1;
        const key = plainDataKey(op.input);
        if (key === undefined) return;
        this.twin[i] = lastWithInput.get(key) ?? -1;
        lastWithInput.set(key, i);
      });
    }
    this.linkInTimeOrder(ops);
    [this.mayGiveUp, this.enablersFrom, this.enablers] = this.enablersOf(ops);
    this.zobristLo = new Int32Array(n);
    this.zobristHi = new Int32Array(n);
    for (let i = 0; i < n && !options.sameHashes; i++) {
      this.zobristLo[i] = splitmix32(2 * i);
      this.zobristHi[i] = splitmix32(2 * i + 1);
    }
    const words = (n + 31) >>> 5;
    this.bitOf = new Int32Array(n);
    this.segmentAt = new Int32Array(n + 1);
    const starts = this.cutIntoSegments(ops, options.cuts ?? true);
    this.segments = starts.length;
    this.wordFrom = new Int32Array(starts.length);
    this.wordTo = new Int32Array(starts.length);
    let widest = 0;
    starts.forEach((start, k) => {
      const end = k + 1 < starts.length ? starts[k + 1]! : n;
      this.wordFrom[k] = start >>> 5;
      this.wordTo[k] = (end - 1) >>> 5;
      this.segmentAt.fill(k, start, end + 1);
      widest = Math.max(widest, this.wordTo[k]! - this.wordFrom[k]! + 1);
    });
    this.bits = new Int32Array(words);
    this.visited = new VisitedSet(widest);
    this.table = new StateTable<S>(model);
    this.memo = new TransitionMemo(n);
    this.stateId = this.table.intern(model.init());
    this.stackOp = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackGreedy = new Uint8Array(n);
    this.best = new Int32Array(n);
    this.entry = this.next[this.head]!;
    this.phase = this.next[this.entry]! & 1;
    if (n === 0) this.status = OK;
  }

  /**
   * Sets `bitOf` (call-order positions) and returns the position where each
   * segment starts (one segment when `cuts` is false; none for no operations).
   */
  private cutIntoSegments(ops: readonly Operation<I, O>[], cuts: boolean): number[] {
    const order = sortUnlessSorted(
      ops.map((_, i) => i),
      (a, b) => ops[a]!.call - ops[b]!.call || a - b,
    );
    const starts: number[] = [];
    let lastReturn = -Infinity;
    order.forEach((op, position) => {
      this.bitOf[op] = position;
      // A never-returned operation's return is Infinity (deferrable ones included): no cut after it.
      if (position === 0 || (cuts && lastReturn < ops[op]!.call)) starts.push(position);
      lastReturn = Math.max(lastReturn, ops[op]!.return);
    });
    return starts;
  }

  /** mayGiveUp, enablersFrom and enablers (see their fields). */
  private enablersOf(ops: readonly Operation<I, O>[]): [Uint8Array, Int32Array, Int32Array] {
    const { resets, resetMayEnable, mayBecomeLegal } = this.model;
    const mayGiveUp = new Uint8Array(ops.length);
    const from = new Int32Array(ops.length + 1);
    const enablers: number[] = [];
    const resetting = resets === undefined || mayBecomeLegal === undefined ? [] : ops.flatMap((op, i) => (resets(op.input) ? [i] : []));
    ops.forEach((op, i) => {
      from[i] = enablers.length;
      if (mayBecomeLegal === undefined || this.readOnly[i] === 0 || op.output === undefined) return;
      mayGiveUp[i] = 1;
      for (const r of resetting) {
        const reset = ops[r]!;
        // Called by the read's return (at equal times calls come first), it can be linearized before the read; one
        // that returned before the read was called is linearized by the time the read is pending (its return came first).
        const canComeBetween = reset.call <= op.return && reset.return >= op.call;
        if (canComeBetween && resetMayEnable?.(reset.input, op.input, op.output) !== false) enablers.push(r);
      }
    });
    from[ops.length] = enablers.length;
    return [mayGiveUp, from, Int32Array.from(enablers)];
  }

  private linkInTimeOrder(ops: readonly Operation<I, O>[]): void {
    const order: number[] = [];
    const time = new Float64Array(2 * ops.length);
    ops.forEach((op, i) => {
      time[2 * i] = op.call;
      time[2 * i + 1] = op.return;
      order.push(2 * i);
      if (!this.deferrable[i]) order.push(2 * i + 1);
      else {
        this.next[2 * i + 1] = 2 * i + 1;
        this.prev[2 * i + 1] = 2 * i + 1;
        this.returnRank[i] = 2 * ops.length;
      }
    });
    // Calls before returns at equal times; then by operation index. (Infinity - Infinity is NaN, which falls through.)
    sortUnlessSorted(order, (a, b) => time[a]! - time[b]! || (a & 1) - (b & 1) || a - b);
    let last = this.head;
    order.forEach((e, rank) => {
      this.next[last] = e;
      this.prev[e] = last;
      last = e;
      if (e & 1) this.returnRank[e >> 1] = rank;
    });
    this.next[last] = this.tail;
    this.prev[this.tail] = last;
  }

  /**
   * Searches for up to `maxSteps` steps, or until `deadlineMs`
   * (performance.now() time) has passed; returns the status.
   */
  run(maxSteps: number, deadlineMs: number): SearchStatus {
    if (this.status !== RUNNING) return this.status;
    const { next, prev, head, tail, backtrack, bits, bitOf, segmentAt, wordFrom, wordTo, visited, zobristLo, zobristHi, stackOp, stackState, stackGreedy, best, deferrable, twin, readOnly } =
      this;
    const { memo, mayGiveUp } = this;
    let forcedDepth = this.forcedDepth;
    let forgetAt = this.forgetAt;
    const watchClock = deadlineMs !== Infinity;
    let e = this.entry;
    let phase = this.phase;
    let stateId = this.stateId;
    let depth = this.depth;
    let setLo = this.setLo;
    let setHi = this.setHi;
    let bestDepth = this.bestDepth;
    let bestSame = this.bestSame;
    let status: SearchStatus = RUNNING;
    let steps = 0;
    let modelSteps = 0;
    while (steps < maxSteps) {
      steps++;
      if (watchClock && (steps & 255) === 0 && performance.now() > deadlineMs) break;
      if ((e & 1) === 0) {
        const op = e >> 1;
        if (phase === 0 && readOnly[op] === 0) {
          e = next[e]!;
          continue;
        }
        let nextState = memo.get(stateId, op);
        if (nextState === UNKNOWN_STEP) {
          nextState = this.stepModel(stateId, op);
          // A model step may be slow: look at the clock every few (the memo keeps the answer).
          if (watchClock && (++modelSteps & (CLOCK_EVERY_MODEL_STEPS - 1)) === 0 && performance.now() > deadlineMs) {
            steps--;
            break;
          }
        }
        if (nextState !== ILLEGAL_STEP && (deferrable[op] === 0 || this.worthTrying(nextState !== stateId, twin[op]!))) {
          const position = bitOf[op]!;
          const w = position >>> 5;
          const bit = 1 << (position & 31);
          bits[w]! |= bit;
          const lo = setLo ^ zobristLo[op]!;
          const hi = setHi ^ zobristHi[op]!;
          const greedy = readOnly[op] === 1 && nextState === stateId ? 1 : 0;
          const segment = segmentAt[depth + 1]!;
          if (visited.add(lo, hi, nextState, bits, segment, wordFrom[segment]!, wordTo[segment]!)) {
            // Forced: backtracking here tries nothing else (a greedy read, or no candidate after this one).
            if (forcedDepth === depth && (greedy === 1 || ((next[e]! & 1) === 1 && next[e] !== tail))) forcedDepth = depth + 1;
            stackOp[depth] = op;
            stackState[depth] = stateId;
            stackGreedy[depth] = greedy;
            depth++;
            const r = e | 1;
            let p = prev[e]!;
            let q = next[e]!;
            next[p] = q;
            prev[q] = p;
            p = prev[r]!;
            q = next[r]!;
            next[p] = q;
            prev[q] = p;
            stateId = nextState;
            setLo = lo;
            setHi = hi;
            if (forcedDepth === depth && stateId >= forgetAt) {
              stateId = this.forgetPast(stateId);
              forgetAt = stateId + FORGET_EVERY;
            }
            if (depth > bestDepth) {
              for (let i = bestSame; i < depth; i++) best[i] = stackOp[i]!;
              bestDepth = depth;
              bestSame = depth;
            }
            e = next[head]!;
            // One candidate (the next entry is a return, or the tail): phase 0 would only try it twice.
            phase = next[e]! & 1;
            if (e === tail) {
              status = OK;
              break;
            }
            continue;
          }
          bits[w]! &= ~bit;
          if (greedy === 1) {
            e = backtrack; // visited before, so failed: so does this configuration
            continue;
          }
        } else if (nextState === ILLEGAL_STEP && phase === 0 && mayGiveUp[op] === 1 && this.hopeless(stateId, op)) {
          e = backtrack; // a pending read that no later state can satisfy: this configuration fails
          continue;
        }
        e = next[e]!;
      } else {
        if (e === tail) {
          status = OK; // only deferrable operations are left
          break;
        }
        if (phase === 0 && e !== backtrack) {
          phase = 1; // no read-only candidate is legal here: try them all
          e = next[head]!;
          continue;
        }
        if (depth === 0) {
          status = ILLEGAL;
          break;
        }
        depth--;
        if (depth < bestSame) bestSame = depth;
        if (depth < forcedDepth) forcedDepth = depth;
        const op = stackOp[depth]!;
        stateId = stackState[depth]!;
        const position = bitOf[op]!;
        bits[position >>> 5]! &= ~(1 << (position & 31));
        setLo ^= zobristLo[op]!;
        setHi ^= zobristHi[op]!;
        const c = op << 1;
        const r = c | 1;
        next[prev[r]!] = r;
        prev[next[r]!] = r;
        next[prev[c]!] = c;
        prev[next[c]!] = c;
        e = stackGreedy[depth] === 1 ? backtrack : next[c]!;
        phase = 1;
      }
    }
    this.entry = e;
    this.phase = phase;
    this.forcedDepth = forcedDepth;
    this.forgetAt = forgetAt;
    this.stateId = stateId;
    this.depth = depth;
    this.setLo = setLo;
    this.setHi = setHi;
    this.bestDepth = bestDepth;
    this.bestSame = bestSame;
    this.steps += steps;
    this.status = status;
    return status;
  }

  /**
   * Whether the pending read `op`, not legal in `stateId`, can be legal in no
   * state that follows: none of its enablers can still come before it, and
   * the model says no other steps can make it legal.
   */
  private hopeless(stateId: number, op: number): boolean {
    for (let k = this.enablersFrom[op]!; k < this.enablersFrom[op + 1]!; k++) {
      if (!isSet(this.bits, this.bitOf[this.enablers[k]!]!)) return false;
    }
    return !this.model.mayBecomeLegal!(this.table.states[stateId] as S, this.inputs[op] as I, this.outputs[op] as O);
  }

  /** Whether a deferrable operation that can be placed here is worth a branch (see the file comment). */
  private worthTrying(changesState: boolean, twin: number): boolean {
    if (!changesState) return false;
    if (twin < 0) return true;
    const position = this.bitOf[twin]!;
    return (this.bits[position >>> 5]! & (1 << (position & 31))) !== 0;
  }

  /**
   * Every stack level is forced, so the search can only go on from `keep` or
   * fail: no state but `keep` will be stepped from again. Forgets them (a
   * long sequential history would otherwise hold every state it went
   * through) and returns the new id of `keep`: a new id, so that no memo
   * entry leads to a forgotten state. The memo drops what it can.
   */
  private forgetPast(keep: number): number {
    const id = this.table.renew(keep);
    this.memo.forgetBelow(id);
    return id;
  }

  private stepModel(stateId: number, op: number): number {
    const state = this.table.states[stateId] as S;
    const after = this.model.step(state, this.inputs[op] as I, this.outputs[op]);
    let id: number;
    if (after === undefined) id = ILLEGAL_STEP;
    else if (Object.is(after, state)) id = stateId;
    else id = this.table.intern(after);
    this.memo.set(stateId, op, id);
    return id;
  }

  /**
   * Operations (partition-local indices) of the longest linearizable prefix
   * found; once OK, a whole linearization (deferred operations last).
   */
  linearization(): number[] {
    if (this.status !== OK) return Array.from(this.best.subarray(0, this.bestDepth));
    const order = Array.from(this.stackOp.subarray(0, this.depth));
    const placed = new Uint8Array(this.n);
    for (const op of order) placed[op] = 1;
    for (let op = 0; op < this.n; op++) if (!placed[op]) order.push(op);
    return order;
  }

  /** The earliest-returning operation outside the longest prefix (partition-local), if any. */
  firstUnplaced(): number | undefined {
    const placed = new Uint8Array(this.n);
    for (const op of this.linearization()) placed[op] = 1;
    let found: number | undefined;
    for (let op = 0; op < this.n; op++) {
      if (!placed[op] && (found === undefined || this.returnRank[op]! < this.returnRank[found]!)) found = op;
    }
    return found;
  }

  /** Distinct (set, state) configurations visited and model states seen: a measure of the search's size. */
  get visitedCount(): number {
    return this.visited.size;
  }

  /** Model states held (see forgetPast). */
  get statesHeld(): number {
    return this.table.size;
  }

  /** Bytes the memo of visited configurations holds. */
  get visitedBytes(): number {
    return this.visited.bytes;
  }
}

/**
 * Whether an operation is deferrable (see the file comment): it never
 * returned, its outcome is unknown, and the model promises such operations
 * are legal in every state.
 */
export function isDeferrable<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): boolean {
  return model.unknownOutcomeLegal === true && op.return === Infinity && op.output === undefined;
}

/** Bit `position` of a bitset. */
function isSet(bits: Int32Array, position: number): boolean {
  return (bits[position >>> 5]! & (1 << (position & 31))) !== 0;
}

/** Sorts `xs` in place unless it is in order already (a sequential history's entries are); returns it. */
export function sortUnlessSorted<T>(xs: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < xs.length; i++) if (compare(xs[i - 1]!, xs[i]!) > 0) return xs.sort(compare);
  return xs;
}

/**
 * A string equal for equal plain data (null, booleans, finite numbers,
 * strings, arrays and plain objects of them), or undefined for anything else,
 * which JSON would not tell apart faithfully.
 */
export function plainDataKey(value: unknown): string | undefined {
  const plain = (x: unknown): boolean => {
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return true;
    if (typeof x === 'number') return Number.isFinite(x) && !Object.is(x, -0);
    if (Array.isArray(x)) return x.every(plain);
    if (typeof x !== 'object') return false;
    const proto = Object.getPrototypeOf(x);
    return (proto === Object.prototype || proto === null) && Object.values(x).every(plain);
  };
  return plain(value) ? JSON.stringify(value) : undefined;
}

/** The output of splitmix32 for counter value x: distinct, well-mixed words per counter. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}
