/**
 * The event queue: items ordered by (time, insertion sequence), so events at
 * equal times come out first-in first-out and every run orders them the same.
 *
 * A calendar queue (Brown 1988) tuned for a simulator whose time never goes
 * backwards:
 * - a wheel of NB buckets, each `width` µs wide, covers the near future; a
 *   bucket is an unsorted singly linked list of nodes in a typed-array pool;
 * - a bitmap of non-empty buckets finds the next one in a few word scans;
 * - the bucket being drained (the "active" one) is sorted once by (time,
 *   seq) when it becomes current; items pushed into it later are placed by
 *   insertion (they carry the largest sequence so far, so ties go last);
 * - items beyond the wheel's horizon wait in a binary heap and move into the
 *   wheel as the horizon advances;
 * - the width adapts to the mean gap between events (the queue is rebuilt,
 *   rarely, when the spread of times changes).
 * Nothing here allocates per event in the steady state.
 */
const NB = 4096;
const MASK = NB - 1;
const WORDS = NB >> 5;
const WIDTH_SHIFT_MIN = 4; // 16 µs
const WIDTH_SHIFT_MAX = 36;

export class EventQueue<T> {
  /** Current virtual time (µs): the time of the last popped item; never decreases. */
  now = 0;
  private seq = 0;
  private count = 0;

  // Node pool (struct of arrays); free list threaded through `next`.
  private cap = 1024;
  private time = new Float64Array(1024);
  private seqOf = new Float64Array(1024);
  private next = new Int32Array(1024);
  private tagOf = new Float64Array(1024);
  private item: (T | undefined)[] = new Array<T | undefined>(1024).fill(undefined);
  /** The tag pushed with the item the last pop returned (lets an item stand in the queue several times without a wrapper). */
  lastTag = 0;
  private free = -1;
  private used = 0;

  // The wheel.
  private widthShift = 10;
  private width = 1 << 10;
  /** Absolute bucket number (floor(time / width)) of the active bucket. */
  private cur = 0;
  private readonly head = new Int32Array(NB).fill(-1);
  private readonly tail = new Int32Array(NB).fill(-1);
  private readonly bits = new Int32Array(WORDS);

  // The active bucket: node indices sorted by (time, seq), read from `aHead`.
  private active = new Int32Array(256);
  private aLen = 0;
  private aHead = 0;

  // Items beyond the horizon: a binary heap of node indices.
  private overflow: number[] = [];
  private popsSinceResize = 0;
  /** The clock at the last width check. */
  private checkedAtUs = 0;

  get size(): number {
    return this.count;
  }

  /** Inserts `item` to come out at time `at` (integer µs, ≥ now), with an optional numeric tag returned as `lastTag`. */
  push(at: number, item: T, tag = 0): void {
    if (!(at >= this.now) || !Number.isSafeInteger(at)) {
      throw new RangeError(`cannot schedule at ${at}: must be an integer time ≥ now (${this.now})`);
    }
    const n = this.alloc(at, item);
    this.tagOf[n] = tag;
    this.count++;
    this.place(n);
  }

  /** Inserts `item` at the current time, after everything already due now. */
  pushNow(item: T): void {
    this.push(this.now, item);
  }

  /** Moves the clock forward to `t` with nothing due before it (the caller checked peekTime() ≥ t). */
  advanceTo(t: number): void {
    if (t < this.now) throw new RangeError(`cannot move the clock back from ${this.now} to ${t}`);
    this.now = t;
  }

  /**
   * Time of the next item, or Infinity when empty. When the active bucket is
   * used up this activates the next one (without moving the clock): items
   * pushed later into an earlier bucket still go into the sorted active list
   * by time, so the order stays exact.
   */
  peekTime(): number {
    if (this.aHead < this.aLen) return this.time[this.active[this.aHead]!]!;
    if (this.count === 0) return Infinity;
    this.activateNext();
    return this.time[this.active[this.aHead]!]!;
  }

  /** Removes and returns the next item, advancing `now` to its time. */
  pop(): T | undefined {
    if (this.aHead < this.aLen) return this.take();
    if (this.count === 0) return undefined;
    if (this.popsSinceResize >= 4096) this.maybeResize();
    if (this.aHead >= this.aLen) this.activateNext();
    return this.take();
  }

  private take(): T {
    this.popsSinceResize++;
    const n = this.active[this.aHead++]!;
    this.now = this.time[n]!;
    this.lastTag = this.tagOf[n]!;
    this.count--;
    const x = this.item[n]!;
    this.item[n] = undefined;
    this.next[n] = this.free;
    this.free = n;
    return x;
  }

  private alloc(at: number, item: T): number {
    let n = this.free;
    if (n >= 0) this.free = this.next[n]!;
    else {
      if (this.used === this.cap) this.growPool();
      n = this.used++;
    }
    this.time[n] = at;
    this.seqOf[n] = ++this.seq;
    this.item[n] = item;
    this.next[n] = -1;
    return n;
  }

  private place(n: number): void {
    const b = Math.floor(this.time[n]! / this.width);
    if (b <= this.cur) this.insertActive(n);
    else if (b < this.cur + NB) this.link(b & MASK, n);
    else this.heapPush(n);
  }

  /** Inserts into the sorted active bucket; n has the largest seq, so it goes after equal times. */
  private insertActive(n: number): void {
    if (this.aLen === this.active.length) this.active = grow32(this.active);
    const active = this.active;
    const time = this.time;
    const t = time[n]!;
    let i = this.aLen++;
    while (i > this.aHead && time[active[i - 1]!]! > t) {
      active[i] = active[i - 1]!;
      i--;
    }
    active[i] = n;
  }

  private link(slot: number, n: number): void {
    const t = this.tail[slot]!;
    if (t < 0) {
      this.head[slot] = n;
      this.bits[slot >> 5]! |= 1 << (slot & 31);
    } else this.next[t] = n;
    this.tail[slot] = n;
  }

  /** Makes the earliest non-empty bucket (wheel or overflow) the active one. */
  private activateNext(): void {
    this.aHead = 0;
    this.aLen = 0;
    const curSlot = this.cur & MASK;
    const slot = this.findBit((curSlot + 1) & MASK);
    let target = slot >= 0 ? this.cur + (((slot - curSlot) & MASK) || NB) : Infinity;
    if (this.overflow.length > 0) {
      const ob = Math.floor(this.time[this.overflow[0]!]! / this.width);
      if (ob < target) target = ob;
    }
    this.cur = target;
    const horizon = this.cur + NB;
    while (this.overflow.length > 0 && Math.floor(this.time[this.overflow[0]!]! / this.width) < horizon) {
      const n = this.heapPop();
      this.link(Math.floor(this.time[n]! / this.width) & MASK, n);
    }
    this.drainSlot(this.cur & MASK);
  }

  /** Moves a bucket's list into the active array, sorted by (time, seq). */
  private drainSlot(slot: number): void {
    const time = this.time;
    const seq = this.seqOf;
    for (let n = this.head[slot]!; n >= 0; ) {
      const following = this.next[n]!;
      if (this.aLen === this.active.length) this.active = grow32(this.active);
      const active = this.active;
      const t = time[n]!;
      const s = seq[n]!;
      let i = this.aLen++;
      while (i > 0) {
        const p = active[i - 1]!;
        const pt = time[p]!;
        if (pt < t || (pt === t && seq[p]! < s)) break;
        active[i] = p;
        i--;
      }
      active[i] = n;
      n = following;
    }
    this.head[slot] = -1;
    this.tail[slot] = -1;
    this.bits[slot >> 5]! &= ~(1 << (slot & 31));
  }

  private findBit(fromSlot: number): number {
    let w = fromSlot >> 5;
    let word = this.bits[w]! & (~0 << (fromSlot & 31));
    for (let k = 0; k <= WORDS; k++) {
      if (word !== 0) return (w << 5) + (31 - Math.clz32(word & -word));
      w = (w + 1) & (WORDS - 1);
      word = this.bits[w]!;
    }
    return -1;
  }

  /**
   * Adapts the bucket width to the mean gap between popped events (about two
   * gaps per bucket, so one or two items per activated bucket), checked every
   * 4096 pops; a rebuild is O(n log n) and happens only when the spread of
   * times changes. Items far beyond the horizon wait in the overflow heap.
   */
  private maybeResize(): void {
    const pops = this.popsSinceResize;
    this.popsSinceResize = 0;
    const span = this.now - this.checkedAtUs;
    this.checkedAtUs = this.now;
    if (this.count < 64) return;
    const gap = span / pops;
    let shift = Math.ceil(Math.log2(Math.max(2 * gap, 1)));
    shift = Math.max(WIDTH_SHIFT_MIN, Math.min(WIDTH_SHIFT_MAX, shift));
    if (shift !== this.widthShift) this.rebuild(shift);
  }

  private rebuild(shift: number): void {
    const pending: number[] = [];
    for (let i = this.aHead; i < this.aLen; i++) pending.push(this.active[i]!);
    for (let slot = 0; slot < NB; slot++) {
      for (let n = this.head[slot]!; n >= 0; n = this.next[n]!) pending.push(n);
      this.head[slot] = -1;
      this.tail[slot] = -1;
    }
    this.bits.fill(0);
    for (const n of this.overflow) pending.push(n);
    this.overflow = [];
    this.aHead = 0;
    this.aLen = 0;
    this.widthShift = shift;
    this.width = 2 ** shift;
    this.cur = Math.floor(this.now / this.width);
    // Re-place in (time, seq) order so buckets keep their lists sorted by seq.
    pending.sort((a, b) => this.time[a]! - this.time[b]! || this.seqOf[a]! - this.seqOf[b]!);
    for (const n of pending) {
      this.next[n] = -1;
      const b = Math.floor(this.time[n]! / this.width);
      if (b <= this.cur) {
        if (this.aLen === this.active.length) this.active = grow32(this.active);
        this.active[this.aLen++] = n;
      } else if (b < this.cur + NB) this.link(b & MASK, n);
      else this.heapPush(n);
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.seqOf[a]! < this.seqOf[b]!);
  }

  private heapPush(n: number): void {
    const h = this.overflow;
    let i = h.length;
    h.push(n);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(h[p]!, n)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = n;
  }

  private heapPop(): number {
    const h = this.overflow;
    const top = h[0]!;
    const last = h.pop()!;
    const size = h.length;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && this.less(h[c + 1]!, h[c]!)) c++;
      if (this.less(last, h[c]!)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }

  private growPool(): void {
    const cap = this.cap * 2;
    const time = new Float64Array(cap);
    time.set(this.time);
    const seq = new Float64Array(cap);
    seq.set(this.seqOf);
    const next = new Int32Array(cap);
    next.set(this.next);
    const tagOf = new Float64Array(cap);
    tagOf.set(this.tagOf);
    this.tagOf = tagOf;
    this.time = time;
    this.seqOf = seq;
    this.next = next;
    for (let i = this.cap; i < cap; i++) this.item.push(undefined);
    this.cap = cap;
  }
}

function grow32(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
