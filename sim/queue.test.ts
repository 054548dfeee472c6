import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './queue.ts';

/** Pops everything, returning [time, item] pairs. */
function drain(q: EventQueue<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let x = q.pop(); x !== undefined; x = q.pop()) out.push([q.now, x]);
  return out;
}

describe('EventQueue', () => {
  it('orders by time, then insertion order, with pushes interleaved with pops', () => {
    // Model: a sorted list by (time, seq). Commands: push at now+delay, or pop.
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ delay: fc.oneof(fc.constant(0), fc.nat(5), fc.nat(2 ** 40)) }), fc.constant('pop' as const)), {
          maxLength: 300,
        }),
        (cmds) => {
          const q = new EventQueue<number>();
          const model: { t: number; seq: number }[] = [];
          let seq = 0;
          for (const c of cmds) {
            if (c === 'pop') {
              model.sort((a, b) => a.t - b.t || a.seq - b.seq);
              const want = model.shift();
              const got = q.pop();
              if (want === undefined) {
                if (got !== undefined) return false;
              } else if (got !== want.seq || q.now !== want.t) return false;
            } else {
              const t = q.now + c.delay;
              q.push(t, ++seq);
              model.push({ t, seq });
            }
            if (q.size !== model.length) return false;
          }
          model.sort((a, b) => a.t - b.t || a.seq - b.seq);
          const rest = drain(q);
          return JSON.stringify(rest) === JSON.stringify(model.map((m) => [m.t, m.seq]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps FIFO order among many equal times pushed at different moments', () => {
    const q = new EventQueue<number>();
    q.push(1000, 1);
    q.push(7, 2);
    q.push(1000, 3);
    expect(q.pop()).toBe(2);
    q.push(1000, 4);
    q.push(600, 5);
    expect(drain(q)).toEqual([
      [600, 5],
      [1000, 1],
      [1000, 3],
      [1000, 4],
    ]);
  });

  it('refuses times in the past and non-integers', () => {
    const q = new EventQueue<number>();
    q.push(10, 1);
    q.pop();
    expect(() => q.push(9, 2)).toThrow(/must be an integer time ≥ now \(10\)/);
    expect(() => q.push(10.5, 2)).toThrow(/integer/);
  });

  it('peekTime reports the next time without popping', () => {
    const q = new EventQueue<number>();
    expect(q.peekTime()).toBe(Infinity);
    q.push(50, 1);
    q.push(20, 2);
    expect(q.peekTime()).toBe(20);
    expect(q.size).toBe(2);
  });
});

describe('EventQueue across width changes', () => {
  it('matches a sorted model over spreads from µs to hours (forcing resizes)', () => {
    const q = new EventQueue<number>();
    const model: [number, number][] = [];
    let head = 0;
    let seq = 0;
    let state = 99;
    const rnd = (m: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % m;
    };
    let bad = 0;
    for (let step = 0; step < 60_000; step++) {
      if (rnd(3) === 0 && head < model.length) {
        const [t, s] = model[head++]!;
        if (q.pop() !== s || q.now !== t) bad++;
      } else {
        const phase = Math.floor(step / 15_000);
        const spread = [100, 1_000_000, 4_000_000_000, 50][phase]!;
        const t = q.now + [0, 1, rnd(spread), rnd(spread)][rnd(4)]!;
        q.push(t, ++seq);
        // Sorted insert: after every entry with time ≤ t (seq is the largest so far).
        let lo = head;
        let hi = model.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (model[mid]![0] <= t) lo = mid + 1;
          else hi = mid;
        }
        model.splice(lo, 0, [t, seq]);
      }
    }
    expect(bad).toBe(0);
    expect(q.size).toBe(model.length - head);
  });
});
