import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ms } from './node.ts';
import { checkProperty, checkPropertyAsync, defineProperty, failureInvariant, failureSignature, findProperty, inputAt, matchProperties, PathError, runInput, type Property } from './property.ts';
import { sleep } from './task.ts';

/** A tiny property: a list of waits (ms); it fails when they add up to more than 100 ms. */
const waits: Property<number[]> = {
  name: 'prop/test/waits',
  description: 'waits add up to at most 100 ms',
  arbitrary: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 8 }),
  fromJson: (json) => {
    if (!Array.isArray(json) || json.some((x) => !Number.isInteger(x))) throw new Error('a list of integers expected');
    return json as number[];
  },
  toJson: (x) => x,
  seedOf: (x) => x.length,
  sizeOf: (x) => x.length,
  describe: (x) => [`waits ${x.join(', ')}`],
  *run(t, x) {
    for (const w of x) yield* sleep(ms(w));
    t.check(t.world.nowUs <= ms(100), `waited ${t.world.nowUs / 1000} ms`);
  },
};

describe('properties', () => {
  it('are registered by name and matched with scenario patterns', () => {
    const p = findProperty('prop/test/registered') ?? defineProperty({ ...waits, name: 'prop/test/registered' });
    expect(findProperty('prop/test/registered')).toBe(p);
    expect(matchProperties('prop/test/*').map((q) => q.name)).toContain('prop/test/registered');
    expect(matchProperties('prop/test').map((q) => q.name)).toContain('prop/test/registered');
    expect(matchProperties('prop/**/registered').map((q) => q.name)).toEqual(['prop/test/registered']);
    expect(() => defineProperty({ ...waits, name: 'prop/test/registered' })).toThrow(/already registered/);
    expect(() => defineProperty({ ...waits, name: 'raft/not-a-prop' })).toThrow(/prop\/… expected/);
  });

  it('check like fc.check: find, shrink to a minimal input, and report seed and path', () => {
    const seen: boolean[] = [];
    const r = checkProperty(waits, { seed: 42, numRuns: 200 }, {}, { onRun: (_n, shrinking) => seen.push(shrinking) });
    expect(r.failed).toBe(true);
    expect(r.counterexample!.input.reduce((a, b) => a + b, 0)).toBe(101); // minimal: just over the bound
    expect(r.counterexample!.failure).toEqual({ kind: 'assertion', message: 'waited 101 ms' });
    expect(r.original!.passed).toBe(false);
    expect(seen.filter((s) => !s).length).toBe(r.runsToFailure);
    expect(seen.filter((s) => s).length).toBe(r.shrinkRuns);
    expect(r.path!.split(':')[0]).toBe(String(r.runsToFailure - 1));
    // The path leads back to the same input without running anything, and the input to the same trace.
    const again = inputAt(waits, 42, r.path!);
    expect(again).toEqual(r.counterexample!.input);
    expect(runInput(waits, again).traceHash).toBe(r.counterexample!.traceHash);
  });

  it('checkPropertyAsync tries the same inputs as checkProperty, and stop() ends it with the smallest failure so far', async () => {
    const sync = checkProperty(waits, { seed: 42, numRuns: 200 });
    const tick = () => Promise.resolve();
    const async = await checkPropertyAsync(waits, { seed: 42, numRuns: 200 }, tick);
    expect([async.runsToFailure, async.path, async.counterexample!.input]).toEqual([sync.runsToFailure, sync.path, sync.counterexample!.input]);
    let runs = 0;
    const stopped = await checkPropertyAsync(waits, { seed: 42, numRuns: 200, stop: () => runs >= sync.runsToFailure + 1 }, tick, {}, { onRun: () => void runs++ });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.shrinkRuns).toBe(1);
    expect(stopped.counterexample!.passed).toBe(false);
    const before = await checkPropertyAsync(waits, { seed: 42, numRuns: 200, stop: () => true }, tick);
    expect([before.failed, before.interrupted, before.runsToFailure]).toEqual([false, true, 0]);
  });

  it('stop shrinking at the budget and keep the smallest failure so far', () => {
    const full = checkProperty(waits, { seed: 42, numRuns: 200 });
    const cut = checkProperty(waits, { seed: 42, numRuns: 200, maxShrinkRuns: 2 });
    expect(cut.shrinkRuns).toBe(2);
    expect(cut.shrinkLimited).toBe(true);
    expect(cut.runsToFailure).toBe(full.runsToFailure);
    expect(cut.counterexample!.passed).toBe(false);
    expect(inputAt(waits, 42, cut.path!)).toEqual(cut.counterexample!.input);
  });

  it('shrink a failure only to inputs that fail the same way (kind and invariant)', () => {
    // Over 1,000 the run breaks "big-sum" (safety); from 200 on it is only slow (liveness).
    // Shrunk freely, a big failure would end at 200 as a liveness failure.
    const layered: Property<number[]> = {
      ...waits,
      name: 'prop/test/layered',
      arbitrary: fc.noBias(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 8, maxLength: 8 })),
      *run(t, x) {
        const sum = x.reduce((a, b) => a + b, 0);
        if (sum > 1000) t.fail(`big-sum: ${sum}`, 'safety');
        if (sum >= 200) t.fail(`no progress after ${sum} ms: too slow`, 'liveness');
      },
    };
    const r = checkProperty(layered, { seed: 7, numRuns: 100 });
    expect(r.original!.failure!.kind).toBe('safety');
    expect(r.counterexample!.failure).toEqual({ kind: 'safety', message: 'big-sum: 1001' });
    expect(r.shrinkOtherFailures).toBeGreaterThan(0);
    expect(inputAt(layered, 7, r.path!)).toEqual(r.counterexample!.input);
  });

  it('name a failure by its kind and the invariant its message starts with', () => {
    expect(failureSignature({ kind: 'safety', message: 'leader-completeness: leader 2 of term 5 lacks committed index 3' })).toBe('safety (leader-completeness)');
    expect(failureSignature({ kind: 'safety', message: 'client: leader-completeness: leader 2 of term 2 lacks it' })).toBe('safety (leader-completeness)');
    expect(failureSignature({ kind: 'safety', message: 'apply error: server 0 applied index 1 out of order' })).toBe('safety (apply error)');
    expect(failureSignature({ kind: 'liveness', message: 'no progress 10s after healing: command 7 missing' })).toBe('liveness');
    expect(failureInvariant('node 2 handling request Raft.InstallSnapshot at 6.2s: RaftLogError: no entry')).toBeUndefined();
  });

  it('seed S with one run is the first input fast-check draws from S (what a sweep runs)', () => {
    for (const seed of [1, 2, 3, -7]) {
      const r = checkProperty(waits, { seed, numRuns: 1, endOnFailure: true });
      expect(r.original?.input ?? null).toEqual(r.failed ? inputAt(waits, seed, '0') : null);
      expect(fc.sample(waits.arbitrary, { seed, numRuns: 1 })[0]).toEqual(inputAt(waits, seed, '0'));
    }
  });

  it('refuse a malformed path with a one-line error', () => {
    expect(() => inputAt(waits, 1, 'x:1')).toThrow(PathError);
    expect(() => inputAt(waits, 1, '')).toThrow(/looks like 12 or 12:0:3/);
  });
});
