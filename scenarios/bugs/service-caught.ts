/**
 * The one test shape of a service's bug zoo (kvraft, shard controller,
 * shardkv): each variant, plugged in for the service role, fails its named
 * lab scenario first on the recorded seed, with the recorded kind and
 * message, while the correct service passes that seed; and the list of
 * catches names every variant of the zoo.
 */
import { describe, expect, it } from 'vitest';
import { findScenario, runScenario, type FailureKind, type ScenarioResult } from '../../sim/scenario.ts';

export interface ServiceCatch {
  readonly bug: { readonly name: string; readonly service: unknown };
  readonly scenario: string;
  readonly firstSeed: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

export function testServiceZoo(zoo: string, role: string, catches: readonly ServiceCatch[], bugs: readonly { readonly name: string }[]): void {
  describe(`the ${zoo} bug zoo is caught by the lab scenarios`, () => {
    for (const c of catches) {
      it(`${c.bug.name} fails ${c.scenario} (first on seed ${c.firstSeed}); the correct service passes that seed`, () => {
        const s = findScenario(c.scenario)!;
        let caught: ScenarioResult | undefined;
        for (let seed = 1; seed <= c.firstSeed && caught === undefined; seed++) {
          const r = runScenario(s, { seed, impl: { [role]: c.bug.service } });
          if (!r.passed) caught = r;
        }
        expect(caught?.seed).toBe(c.firstSeed);
        expect(caught!.failure!.kind).toBe(c.kind);
        expect(caught!.failure!.message).toMatch(c.message);
        expect(runScenario(s, { seed: c.firstSeed }).failure).toBeUndefined();
      });
    }

    it('covers every variant of the zoo', () => {
      expect(new Set(catches.map((c) => c.bug.name))).toEqual(new Set(bugs.map((b) => b.name)));
    });
  });
}
