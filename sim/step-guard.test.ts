/**
 * The step guard: node code that reaches for the host's clocks, randomness
 * or timers fails at once with advice (unless allowed), and any exception in
 * node code names the node, its input and the virtual time.
 */
import { describe, expect, it } from 'vitest';
import { Out, type NodeDef } from './node.ts';
import { runScenario, ScenarioFailure, type Scenario } from './scenario.ts';
import { sleep } from './task.ts';

/** A node that calls `use` when its timer fires at 0.25 s. */
function nodeUsing(use: () => unknown): NodeDef<null, null> {
  return {
    name: 'user',
    init: () => new Out().setTimer('tick', 250_000).done(null),
    step(state, input) {
      if (input.kind === 'timer') use();
      return new Out().done(state);
    },
  };
}

function scenarioWith(def: NodeDef<null, null>): Scenario {
  return {
    name: 'test/step-guard',
    description: 'one node, one timer',
    *run(t) {
      t.world.startNode({ name: 'n1', def, config: null });
      yield* sleep(1_000_000);
    },
  };
}

describe('step guard', () => {
  const sources: [string, () => unknown][] = [
    ['Math.random()', () => Math.random()],
    ['Date.now()', () => Date.now()],
    ['new Date()', () => new Date()],
    ['Date()', () => (Date as unknown as () => string)()],
    ['performance.now()', () => performance.now()],
    ['setTimeout', () => setTimeout(() => {}, 1)],
  ];
  for (const [label, use] of sources) {
    it(`${label} during a step fails the run with advice, naming node, input and time`, () => {
      const r = runScenario(scenarioWith(nodeUsing(use)), { seed: 1 });
      expect(r.passed).toBe(false);
      expect(r.failure!.kind).toBe('crash');
      expect(r.failure!.message).toContain(`node n1 handling timer tick at 0.250000s: NondeterminismError: ${label} during a step: use ctx.rng / ctx.nowUs: node code must be deterministic`);
    });
  }

  it('allowNondeterminism lets them through, and they work outside steps either way', () => {
    expect(runScenario(scenarioWith(nodeUsing(() => Math.random())), { seed: 1, allowNondeterminism: true }).passed).toBe(true);
    expect(typeof Math.random()).toBe('number');
    expect(Date.now()).toBeGreaterThan(0);
    expect(new Date().getTime()).toBeGreaterThan(0);
  });

  it('a Date of a given time is deterministic and allowed in a step; Dates stay Dates', () => {
    let seen: Date | undefined;
    const r = runScenario(scenarioWith(nodeUsing(() => (seen = new Date(86_400_000)))), { seed: 1 });
    expect(r.passed).toBe(true);
    expect(seen!.toISOString()).toBe('1970-01-02T00:00:00.000Z');
    expect(seen instanceof Date).toBe(true);
    expect(Date.UTC(1970, 0, 2)).toBe(86_400_000);
  });

  it("an exception in node code names the node, what it handled and when, and the code's place", () => {
    const r = runScenario(scenarioWith(nodeUsing(() => (undefined as unknown as { x: () => void }).x())), { seed: 1 });
    expect(r.failure!.kind).toBe('crash');
    expect(r.failure!.message).toMatch(/^node n1 handling timer tick at 0\.250000s: TypeError: .* \(at .*step-guard\.test\.ts:\d+:\d+\)/);
  });
});

describe('step guard and the tester', () => {
  it("a tester's failure raised inside a step keeps its kind and message", () => {
    const failing = nodeUsing(() => {
      throw new ScenarioFailure('apply error: server 1 apply out of order 3');
    });
    const r = runScenario(scenarioWith(failing), { seed: 1 });
    expect(r.failure).toEqual({ kind: 'assertion', message: 'apply error: server 1 apply out of order 3' });
  });
});
