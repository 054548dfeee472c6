/**
 * The one test shape of "a property finds each bug of a zoo" with recorded
 * paths (kvraft, shardkv). Each row is what `checkProperty(p, { seed,
 * numRuns: 1000, maxShrinkRuns: 1000 }, { impl: { [role]: bug.service } })`
 * reported when it was written: the fast-check path of the shrunk failure
 * (its first number is the 0-based run that failed), the runs to the first
 * failure and the shrink runs after it. The test follows each path (nothing
 * is run to find it), checks the run is within the first 1,000 and the shrunk
 * schedule has at most 5 actions, runs it with the bug (it fails, as
 * reported) and with the correct service (it passes).
 * SIMLAB_ZOO_SEARCH=1 repeats the whole searches instead.
 */
import { describe, expect, it } from 'vitest';
import { checkProperty, inputAt, runInput, type Property } from '../../sim/property.ts';
import type { FailureKind } from '../../sim/scenario.ts';

export interface FoundBug {
  readonly bug: { readonly name: string; readonly service: unknown };
  /** The --impl role the bug's service plays. */
  readonly role: string;
  readonly path: string;
  /** Measured: runs to the first failure, and shrink runs. */
  readonly runs: number;
  readonly shrinkRuns: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

/** Tests the rows; every bug of `zoo` must have a row of role `zooRole`. */
export function testZooPaths<T extends { readonly actions: readonly unknown[] }>(
  title: string,
  p: Property<T>,
  seed: number,
  found: readonly FoundBug[],
  zoo: readonly { readonly name: string }[],
  zooRole: string,
): void {
  const impl = (f: FoundBug) => ({ impl: { [f.role]: f.bug.service } });
  describe(title, () => {
    for (const f of found) {
      it(`${f.bug.name} (${f.role}): run ${f.runs} of fast-check seed ${seed} fails, shrunk to at most 5 actions; the correct service passes it`, () => {
        expect(Number(f.path.split(':')[0]) + 1).toBe(f.runs);
        expect(f.runs).toBeLessThanOrEqual(1000);
        const input = inputAt(p, seed, f.path);
        expect(input.actions.length).toBeLessThanOrEqual(5);
        const bad = runInput(p, input, impl(f));
        expect(bad.failure?.kind).toBe(f.kind);
        expect(bad.failure?.message).toMatch(f.message);
        expect(runInput(p, input).failure).toBeUndefined();
      });
    }

    it('covers every variant of the zoo', () => {
      expect(new Set(found.filter((f) => f.role === zooRole).map((f) => f.bug.name))).toEqual(new Set(zoo.map((b) => b.name)));
    });

    it.runIf(process.env.SIMLAB_ZOO_SEARCH === '1')('the searches themselves give these paths', () => {
      for (const f of found) {
        const r = checkProperty(p, { seed, numRuns: 1000, maxShrinkRuns: 1000 }, impl(f));
        expect(r.path, f.bug.name).toBe(f.path);
      }
    });
  });
}
