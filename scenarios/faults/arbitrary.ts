/**
 * Swarm-style fault schedules for fast-check.
 *
 * Each generated value draws a swarm: a rate from 0 to 4 for every fault
 * kind, and for every kind a list of candidate actions. A candidate is kept
 * when its own roll (0..3) is at least 4 − rate, so rate 0 switches the kind
 * off for the whole run, 2 keeps about half of its candidates and 4 keeps
 * them all. Different seeds therefore exercise very different mixes (only
 * crashes; isolations and bursts of load; one-way cuts with reordering…),
 * which finds more bugs than one fixed mix (swarm testing, as in
 * TigerBeetle's VOPR). Kept actions are merged and sorted by time.
 *
 * Everything is built from fc.record / fc.array / fc.integer and `.map`, so
 * shrinking works on every part: rates shrink toward 0 (fewer kinds), rolls
 * toward 0 (fewer actions kept), candidate lists lose elements, times move
 * toward 0, nodes toward the role-relative targets ("leader", "down"), the
 * background load toward off. Node ids are drawn in range, never `nat() % n`;
 * role-relative targets get half of the draws, since faults aimed at the
 * leader and returns of the server down longest are what Raft's hard cases
 * (Figure 8) are made of.
 *
 * With `raftFaults` (the Raft property), the simlab-only kinds join the swarm
 * (hold, flap: schedule.ts) and each schedule draws a snapshot policy: the
 * lab's (every 10th index, in the apply loop: the shrink target) a quarter
 * of the time, else an interval (1 to 4 three times in four, else 5 to 30), a
 * size trigger (on half the time) and a delay after the apply (on two times
 * in three); the background load is off one time in two instead of two in
 * three. Without it the
 * arbitrary is exactly the one before these faults existed, draw for draw,
 * so kvraft's recorded zoo paths stay valid.
 */
import fc from 'fast-check';
import {
  BASE_FAULT_KINDS,
  FAULT_KINDS,
  LAB_SNAPSHOT_POLICY,
  SWARM_RATE_MAX,
  type FaultAction,
  type FaultKind,
  type FaultSchedule,
  type NodeRef,
  type SnapshotPolicy,
  type SwarmRates,
} from './schedule.ts';

export interface FaultScheduleOptions {
  readonly servers: number;
  /** Latest time of a fault action (ms). */
  readonly horizonMs?: number;
  /** Most candidate actions drawn per kind (before the swarm filter). */
  readonly maxPerKind?: number;
  /** Quiet time after the last action before healing (ms). */
  readonly settleMs?: number;
  /** The fault phase lasts at least this long (ms), so the background load builds a log worth snapshotting. */
  readonly minFaultPhaseMs?: number;
  /** The liveness bound after healing (ms). */
  readonly livenessMs?: number;
  /** Background load: a Start on every leader every loadIntervalMs, drawn in this range (ms), or off (0, the shrink target). */
  readonly loadIntervalMs?: readonly [number, number];
  /** Action times are multiples of this (ms): coarse steps make "at the same time" and "one election later" likely. */
  readonly timeStepMs?: number;
  /** The Raft property's simlab-only faults: hold and flap actions, and a snapshot policy per schedule. */
  readonly raftFaults?: boolean;
}

interface Candidate {
  readonly roll: number;
  readonly action: FaultAction;
}

/** The schedule arbitrary (see the module comment). */
export function faultSchedule(options: FaultScheduleOptions): fc.Arbitrary<FaultSchedule> {
  const n = options.servers;
  const horizonMs = options.horizonMs ?? 5000;
  const settleMs = options.settleMs ?? 1000;
  const minPhaseMs = options.minFaultPhaseMs ?? 2000;
  const livenessMs = options.livenessMs ?? 10_000;
  const [loadMin, loadMax] = options.loadIntervalMs ?? [50, 250];

  const step = options.timeStepMs ?? 100;
  const at = fc.integer({ min: 0, max: Math.floor(horizonMs / step) }).map((k) => k * step);
  const server = fc.integer({ min: 0, max: n - 1 });
  // Half the draws (the low half, where shrinking goes) are "leader"; the rest name servers 0..n−1.
  const nodeRef: fc.Arbitrary<NodeRef> = fc.integer({ min: 0, max: 2 * n - 1 }).map((k) => (k < n ? 'leader' : k - n));
  // For restart and connect: the low half is "down" (the server down longest), then "leader", then the servers.
  const downRef: fc.Arbitrary<NodeRef> = fc.integer({ min: 0, max: 2 * n }).map((k) => (k < n ? 'down' : k === n ? 'leader' : k - n - 1));
  const servers = Array.from({ length: n }, (_, i) => i);

  const byKind: Record<FaultKind, fc.Arbitrary<FaultAction>> = {
    // Each server draws a group label; all labels equal (the shrink target) is no partition at all.
    partition: fc
      .record({ at, labels: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }) })
      .map(({ at, labels }) => ({ at, do: 'partition' as const, groups: groupsOf(labels) })),
    cut: fc
      .record({ at, from: server, to: fc.subarray(servers, { minLength: 1 }) })
      .map(({ at, from, to }) => {
        const targets = to.filter((j) => j !== from);
        return { at, do: 'cut' as const, from: [from], to: targets.length > 0 ? targets : [(from + 1) % n] };
      }),
    isolate: fc.record({ at, node: nodeRef }).map(({ at, node }) => ({ at, do: 'isolate' as const, node })),
    heal: fc.record({ at }).map(({ at }) => ({ at, do: 'heal' as const })),
    disconnect: fc.record({ at, node: nodeRef }).map(({ at, node }) => ({ at, do: 'disconnect' as const, node })),
    connect: fc.record({ at, node: downRef }).map(({ at, node }) => ({ at, do: 'connect' as const, node })),
    crash: fc.record({ at, node: nodeRef }).map(({ at, node }) => ({ at, do: 'crash' as const, node })),
    restart: fc.record({ at, node: downRef }).map(({ at, node }) => ({ at, do: 'restart' as const, node })),
    unreliable: fc.record({ at, on: fc.boolean() }).map(({ at, on }) => ({ at, do: 'unreliable' as const, on })),
    reorder: fc.record({ at, on: fc.boolean() }).map(({ at, on }) => ({ at, do: 'reorder' as const, on })),
    load: fc.record({ at, count: fc.integer({ min: 1, max: 20 }) }).map(({ at, count }) => ({ at, do: 'load' as const, count })),
    // A server by number (a leader sends few replies; a follower whose acknowledgements are held is the case that matters),
    // held for 0.1 to 0.5 s (within one election timeout: the messages arrive in the same term, out of step) or 0.5 to 6 s
    // (spanning elections).
    hold: fc
      .record({
        at,
        node: server,
        requests: fc.boolean(),
        ms: fc.oneof({ withCrossShrink: true }, fc.integer({ min: 1, max: 5 }).map((k) => k * 100), fc.integer({ min: 1, max: 12 }).map((k) => k * 500)),
      })
      .map(({ at, node, requests, ms }) => ({ at, do: 'hold' as const, node, what: requests ? ('requests' as const) : ('replies' as const), ms })),
    // A partner (three flaps in four) only in clusters of 5 or more (with 3, the leader and its partner are a majority).
    flap: fc
      .record({ at, node: nodeRef, k: fc.integer({ min: 2, max: 12 }), partner: n >= 5 ? fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(false), weight: 1 }, { arbitrary: fc.constant(true), weight: 3 }) : fc.constant(false) })
      .map(({ at, node, k, partner }) => ({ at, do: 'flap' as const, node, ms: k * 500, ...(partner ? { partner: true as const } : {}) })),
  };
  const kinds: readonly FaultKind[] = options.raftFaults === true ? FAULT_KINDS : BASE_FAULT_KINDS;
  const perKind = options.maxPerKind ?? 5;
  const candidates = fc.record(
    Object.fromEntries(
      kinds.map((k) => [
        k,
        fc.array(fc.record({ roll: fc.integer({ min: 0, max: SWARM_RATE_MAX - 1 }), action: byKind[k] }), { maxLength: perKind, size: 'max' }),
      ]),
    ) as Record<FaultKind, fc.Arbitrary<Candidate[]>>,
  );
  const rates = fc.record(
    // Each kind is off in about half of the runs, so a typical run mixes four to six kinds.
    Object.fromEntries(kinds.map((k) => [k, offOr(fc.integer({ min: 1, max: SWARM_RATE_MAX }), 1)])) as Record<
      FaultKind,
      fc.Arbitrary<number>
    >,
  ) as fc.Arbitrary<SwarmRates>;

  const base = {
    // The world's seed is not shrunk: a smaller one is a different run, not a simpler one.
    seed: fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })),
    swarm: rates,
    // Background load closes the window Figure 8 needs (a new leader cut off before its own entry spreads): off two times in three.
    // (With raftFaults, off one time in two: snapshots and held acknowledgements need a log that grows.)
    loadIntervalMs: offOr(fc.integer({ min: loadMin, max: loadMax }), options.raftFaults === true ? 1 : 2),
    loadPerAction: offOr(fc.integer({ min: 1, max: 3 }), 1),
    candidates,
  };
  const build = (b: { seed: number; swarm: SwarmRates; loadIntervalMs: number; loadPerAction: number; candidates: Record<FaultKind, Candidate[]> }) => {
    const actions = kinds.flatMap((k) => b.candidates[k].filter((c) => c.roll >= SWARM_RATE_MAX - b.swarm[k]!).map((c) => c.action)).sort(
      (a, b) => a.at - b.at, // stable: equal times keep kind order, then drawn order
    );
    const last = actions.length > 0 ? actions[actions.length - 1]!.at : 0;
    const { seed, swarm, loadIntervalMs, loadPerAction } = b;
    return { servers: n, seed, loadIntervalMs, loadPerAction, healAtMs: Math.max(minPhaseMs, last + settleMs), livenessMs, swarm, actions };
  };
  if (options.raftFaults !== true) return fc.record(base).map(build);
  return fc.record({ ...base, snapshot: snapshotPolicy() }).map(({ snapshot, ...b }): FaultSchedule => ({ ...build(b), snapshot }));
}

/** A snapshot policy: the lab's (the shrink target) one time in three, else a swarm of interval, size trigger and delay. */
function snapshotPolicy(): fc.Arbitrary<SnapshotPolicy> {
  const swarmed = fc
    .record({
      // Mostly tiny intervals: a snapshot close behind every commit is what makes followers meet snapshots.
      every: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 }, { arbitrary: fc.integer({ min: 5, max: 30 }), weight: 1 }),
      bytes: offOr(fc.integer({ min: 2, max: 40 }).map((k) => k * 50), 1),
      delayMs: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 30 }).map((k) => k * 50), weight: 2 }),
    })
    .map((p): SnapshotPolicy => p);
  return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(LAB_SNAPSHOT_POLICY), weight: 1 }, { arbitrary: swarmed, weight: 3 });
}

/** 0 ("off", drawn `offWeight` times as often as any other value of `arb`) or a value of `arb`; shrinks toward 0. */
function offOr(arb: fc.Arbitrary<number>, offWeight: number): fc.Arbitrary<number> {
  return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: offWeight }, { arbitrary: arb, weight: 1 });
}

/** Group labels per server → the groups, in order of first appearance. */
function groupsOf(labels: readonly number[]): number[][] {
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return [...groups.values()];
}
