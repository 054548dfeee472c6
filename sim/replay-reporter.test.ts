/** replayReporter: a failing fast-check run ends its report with the simlab command for its seed and path. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Property } from './property.ts';
import { replayReporter } from './replay-reporter.ts';

const p = { name: 'prop/test/small' } as Property<number>;

describe('replayReporter', () => {
  it("adds simlab's replay command (fast-check's seed and path) to a failure's report", () => {
    let message = '';
    try {
      fc.assert(fc.property(fc.nat(), (n) => n < 50), { seed: 42, reporter: replayReporter(p) });
    } catch (e) {
      message = (e as Error).message;
    }
    const m = /\{ seed: 42, path: "([\d:]+)"/.exec(message);
    expect(m, message).not.toBeNull();
    expect(message).toContain(`replay with simlab: npx simlab replay --seed 42 --path ${m![1]} prop/test/small`);
    expect(message).toMatch(/Counterexample: \[50\]/);
  });

  it('names the file that defines a property of your own, and is silent on success', () => {
    let message = '';
    try {
      fc.assert(fc.property(fc.nat(), (n) => n < 50), { seed: 42, reporter: replayReporter(p, 'props.ts') });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/replay with simlab: npx simlab replay props\.ts --seed 42 --path [\d:]+ prop\/test\/small/);
    expect(() => fc.assert(fc.property(fc.nat(), (n) => n >= 0), { seed: 42, reporter: replayReporter(p) })).not.toThrow();
  });
});
