import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule } from './arbitrary.ts';
import { BASE_FAULT_KINDS, describeSchedule, FAULT_KINDS, formatScheduleJson, parseSchedule, ScheduleError, SWARM_RATE_MAX, type FaultSchedule } from './schedule.ts';

const base = { servers: 3, seed: 9, loadIntervalMs: 0, loadPerAction: 1, healAtMs: 2000, livenessMs: 10_000 };

describe('fault schedules as data', () => {
  it('read back from JSON exactly as written, every action kind included', () => {
    const s: FaultSchedule = {
      ...base,
      actions: [
        { at: 0, do: 'partition', groups: [[0], [1, 2]] },
        { at: 100, do: 'isolate', node: 'leader' },
        { at: 200, do: 'cut', from: [1], to: [0, 2] },
        { at: 300, do: 'heal' },
        { at: 400, do: 'disconnect', node: 2 },
        { at: 500, do: 'connect', node: 'down' },
        { at: 600, do: 'crash', node: 'leader' },
        { at: 700, do: 'restart', node: 'down' },
        { at: 800, do: 'unreliable', on: true },
        { at: 900, do: 'reorder', on: false },
        { at: 1000, do: 'load', count: 5 },
        { at: 1100, do: 'hold', node: 1, what: 'replies', ms: 3000 },
        { at: 1200, do: 'flap', node: 'leader', ms: 2500 },
      ],
      snapshot: { every: 3, bytes: 600, delayMs: 250 },
    };
    expect(new Set(s.actions.map((a) => a.do))).toEqual(new Set(FAULT_KINDS));
    expect(parseSchedule(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseSchedule(JSON.parse(formatScheduleJson(s)))).toEqual(s);
    const text = describeSchedule(s).join('\n');
    expect(text).toContain('0.200s cut 1 → 0,2');
    expect(text).toContain('0.700s restart down');
    expect(text).toContain('1 Start(s) on every leader after each action');
    expect(text).toContain("1.100s hold 1's replies 3000 ms");
    expect(text).toContain('1.200s flap leader for 2500 ms');
    expect(text).toContain('snapshots: every 3 indexes, or at 600 bytes of Raft state; up to 250 ms after the apply');
  });

  it('reject malformed schedules with one line naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /^schedule must be an object$/],
      [{ ...base, servers: 0, actions: [] }, /^servers must be an integer from 1 to 9, got 0$/],
      [{ ...base, actions: {} }, /^schedule.actions must be a list$/],
      [{ ...base, actions: [{ at: 5, do: 'explode' }] }, /^actions\[0\].do must be one of partition, isolate/],
      [{ ...base, actions: [{ at: 5, do: 'crash', node: 3 }] }, /^actions\[0\].node must be an integer from 0 to 2, got 3$/],
      [{ ...base, actions: [{ at: 5, do: 'crash', node: 'down' }] }, /"down" only goes with restart and connect/],
      [{ ...base, actions: [{ at: 5, do: 'partition', groups: [[0, 1], [1]] }] }, /names a server in two groups/],
      [{ ...base, actions: [{ at: 5, do: 'heal' }, { at: 4, do: 'heal' }] }, /actions\[1\].at goes back in time/],
      [{ ...base, healAtMs: 10, actions: [{ at: 50, do: 'heal' }] }, /healAtMs \(10\) is before the last action \(50\)/],
      [{ ...base, actions: [{ at: 5, do: 'reorder', on: 1 }] }, /actions\[0\].on must be true or false/],
      [{ ...base, swarm: { crash: 9 }, actions: [] }, /swarm.crash must be an integer from 0 to 4/],
      [{ ...base, actions: [{ at: 5, do: 'hold', node: 1, what: 'votes', ms: 10 }] }, /^actions\[0\].what must be "replies" or "requests", got "votes"$/],
      [{ ...base, actions: [{ at: 5, do: 'flap', node: 'down', ms: 10 }] }, /"down" only goes with restart and connect/],
      [{ ...base, snapshot: { every: 3, async: true }, actions: [] }, /^snapshot.async is not a snapshot setting/],
      [{ ...base, snapshot: { delayMs: -1 }, actions: [] }, /^snapshot.delayMs must be an integer from 0/],
    ];
    for (const [json, message] of bad) {
      let caught: unknown;
      try {
        parseSchedule(json);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ScheduleError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('\n');
    }
  });
});

describe('the swarm arbitrary', () => {
  it('generates valid, sorted, in-range schedules whose actions follow the swarm rates', () => {
    const problems: string[] = [];
    fc.assert(
      fc.property(faultSchedule({ servers: 5 }), (s) => {
        try {
          parseSchedule(JSON.parse(JSON.stringify(s)));
        } catch (e) {
          problems.push((e as Error).message);
        }
        for (const a of s.actions) if (s.swarm![a.do] === 0) problems.push(`${a.do} kept although its rate is 0`);
        for (const k of BASE_FAULT_KINDS) if (!(s.swarm![k]! >= 0 && s.swarm![k]! <= SWARM_RATE_MAX)) problems.push(`rate of ${k}`);
        // Without raftFaults: the kinds and fields of the arbitrary before the simlab-only faults, nothing more.
        if (Object.keys(s.swarm!).length !== BASE_FAULT_KINDS.length || s.snapshot !== undefined) problems.push('a Raft-only kind or field');
        if (s.healAtMs < 2000) problems.push('fault phase shorter than 2 s');
        return problems.length === 0;
      }),
      { seed: 11, numRuns: 300 },
    );
    expect(problems).toEqual([]);
  });

  it('varies which kinds are on from run to run, and how many actions', () => {
    const samples = fc.sample(faultSchedule({ servers: 3 }), { seed: 4, numRuns: 200 });
    const kindsOn = samples.map((s) => FAULT_KINDS.filter((k) => (s.swarm![k] ?? 0) > 0).length);
    expect(Math.min(...kindsOn)).toBeLessThanOrEqual(3);
    expect(Math.max(...kindsOn)).toBeGreaterThanOrEqual(8);
    const sizes = samples.map((s) => s.actions.length);
    expect(sizes.filter((n) => n === 0).length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(15);
    // Role-relative targets are common (they shrink first): "isolate leader" and "restart down".
    const actions = samples.flatMap((s) => s.actions);
    expect(actions.some((a) => a.do === 'isolate' && a.node === 'leader')).toBe(true);
    expect(actions.some((a) => a.do === 'restart' && a.node === 'down')).toBe(true);
    // Workloads: background load, load after each action, and neither, all occur.
    expect(samples.some((s) => s.loadIntervalMs > 0)).toBe(true);
    expect(samples.some((s) => s.loadPerAction > 0)).toBe(true);
    expect(samples.some((s) => s.loadIntervalMs === 0 && s.loadPerAction === 0)).toBe(true);
  });
});
