/**
 * Fault schedules as data: a list of timed actions a person can read, edit
 * and replay, and that fast-check can generate and shrink (arbitrary.ts).
 *
 *     {
 *       "servers": 5, "seed": 81231, "loadIntervalMs": 120,
 *       "healAtMs": 3500, "livenessMs": 10000,
 *       "swarm": { "crash": 2, "partition": 0, … },
 *       "actions": [
 *         { "at": 400, "do": "disconnect", "node": "leader" },
 *         { "at": 1900, "do": "cut", "from": [1], "to": [0, 2] },
 *         { "at": 2500, "do": "connect", "node": 3 }
 *       ]
 *     }
 *
 * Times are integer milliseconds of virtual time from the start of the run.
 * A node is a server index, "leader" (the live server that claims
 * leadership in the highest term when the action runs) or "down" (for
 * restart: the server crashed longest ago; for connect: the one disconnected
 * longest ago); nothing happens when no server fits. What each action does:
 *
 * - partition {groups}: from now on servers in different groups cannot reach
 *   each other, in either direction; replaces every earlier partition and cut;
 *   servers left out of every group form one more group.
 * - isolate {node}: a partition with `node` alone on one side and every other
 *   server on the other ("isolate leader" three times is Figure 8's dance:
 *   each time the last leader is cut off and the one before it rejoins).
 * - cut {from, to}: one-way: calls from a `from` server to a `to` server are
 *   lost (their replies too); calls the other way still work. Adds to the
 *   current cuts.
 * - heal: removes every partition and cut (disconnected nodes stay so).
 * - disconnect / connect {node}: the tester's disconnect(i) / connect(i).
 * - crash {node}: the server stops; what it had persisted survives.
 * - restart {node}: a crashed server starts again from what it persisted; a
 *   running one is crashed and started again (a reboot).
 * - unreliable {on}: labrpc's unreliable network (delays, 10% loss) on/off.
 * - reorder {on}: labrpc's long reordering of replies on/off.
 * - load {count}: `count` Starts on every server that claims leadership
 *   (a stale leader cut off from the rest still takes them, as in Figure 8).
 *
 * Two more kinds are simlab-only faults of the Raft property (the lab
 * scenarios, faithful to Go, have nothing like them; kvraft ignores them):
 *
 * - hold {node, what, ms}: for `ms` from now, the network holds each reply
 *   `node` sends (what "replies") or each request it sends ("requests") for
 *   `ms`: the first ones arrive after elections (a reply sent in one term
 *   reaches a leader that has lost and won again since), the last ones after
 *   fresher messages sent once the window closed (an AppendEntries older
 *   than the snapshot its follower has taken since). A held reply is
 *   already past labrpc's dead check; a held request is dispatched when
 *   released, if its server still runs.
 * - flap {node, ms}: leader flapping for `ms`: `node` is isolated (after a
 *   Start it cannot commit), and once another server leads a higher term
 *   and took a Start of its own, it is re-admitted, so that new leader
 *   truncates what it appended alone; then, while `node` does not lead
 *   again, whoever leads is isolated in turn (one at a time). At the end of
 *   the window every partition and cut is healed. With `"partner": true`,
 *   `node` is cut off together with one follower (the next server after it)
 *   whose replies, until both are re-admitted, are each held for `ms`: its
 *   acknowledgements of the minority leader's entries (which the new leader
 *   truncates) arrive when `node` may lead again.
 *
 * A schedule may also set the service's snapshot policy (Raft property
 * only; without it, the 3D applier's: Snapshot at every 10th index,
 * synchronously in the apply loop):
 *
 *     "snapshot": { "every": 3, "bytes": 600, "delayMs": 250 }
 *
 * every N: Snapshot at each index i with (i + 1) % N == 0 (0: no interval
 * trigger); bytes B: also at any applied index once Raft's persisted state
 * holds ≥ B bytes (0: none); delayMs D: the Snapshot call for an index comes
 * 1 to D ms after its apply (uniform, from the run's own stream: each server
 * snapshots at its own pace; 0: synchronously in the apply loop), if that
 * very incarnation still runs then.
 *
 * After the last action the run waits until `healAtMs`, then heals
 * everything (connects and restarts every server, removes cuts, reliable
 * network, no reordering) and requires progress within `livenessMs`.
 */

/** The kinds every fault harness runs (Raft's and kvraft's). */
export const BASE_FAULT_KINDS = ['partition', 'isolate', 'cut', 'heal', 'disconnect', 'connect', 'crash', 'restart', 'unreliable', 'reorder', 'load'] as const;
/** The simlab-only kinds of the Raft property. */
export const RAFT_FAULT_KINDS = ['hold', 'flap'] as const;
export const FAULT_KINDS = [...BASE_FAULT_KINDS, ...RAFT_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A server index, the current leader, or the server down longest (restart, connect). */
export type NodeRef = number | 'leader' | 'down';

export type FaultAction =
  | { readonly at: number; readonly do: 'partition'; readonly groups: readonly (readonly number[])[] }
  | { readonly at: number; readonly do: 'cut'; readonly from: readonly number[]; readonly to: readonly number[] }
  | { readonly at: number; readonly do: 'heal' }
  | { readonly at: number; readonly do: 'isolate' | 'disconnect' | 'connect' | 'crash' | 'restart'; readonly node: NodeRef }
  | { readonly at: number; readonly do: 'unreliable' | 'reorder'; readonly on: boolean }
  | { readonly at: number; readonly do: 'load'; readonly count: number }
  | { readonly at: number; readonly do: 'hold'; readonly node: NodeRef; readonly what: 'replies' | 'requests'; readonly ms: number }
  | { readonly at: number; readonly do: 'flap'; readonly node: NodeRef; readonly ms: number; readonly partner?: true };

/**
 * How often each fault kind was drawn in a swarm run: 0 (kind off) to
 * SWARM_RATE_MAX (every drawn action kept); a kind left out was not drawn
 * (the simlab-only kinds, outside the Raft property).
 */
export type SwarmRates = Readonly<Partial<Record<FaultKind, number>>>;
export const SWARM_RATE_MAX = 4;

/** The service's snapshot policy (Raft property only; see the module comment). */
export interface SnapshotPolicy {
  /** Snapshot at each index i with (i + 1) % every == 0; 0 = no interval trigger. */
  readonly every: number;
  /** Snapshot at an applied index once Raft's persisted state holds at least this many bytes; 0 = no size trigger. */
  readonly bytes: number;
  /** The Snapshot call comes 1 to delayMs ms after the apply (uniform); 0 = synchronously in the apply loop. */
  readonly delayMs: number;
}

/** The lab's 3D applier: every 10th index, synchronously (what a schedule without a policy gets). */
export const LAB_SNAPSHOT_POLICY: SnapshotPolicy = Object.freeze({ every: 10, bytes: 0, delayMs: 0 });

export interface FaultSchedule {
  /** Cluster size. */
  readonly servers: number;
  /** The world's seed: network and node randomness. */
  readonly seed: number;
  /** A background client Starts one command on every server that claims leadership this often; 0 = none. */
  readonly loadIntervalMs: number;
  /** Right after each action, Start this many commands on every server that claims leadership (TestFigure8's loop); 0 = none. */
  readonly loadPerAction: number;
  /** When the fault phase ends and everything is healed (≥ the last action's time). */
  readonly healAtMs: number;
  /** After healing: the bound for a leader and a new commit on every server. */
  readonly livenessMs: number;
  /** For people: the fault kinds the generator had enabled and their rates (ignored when replaying). */
  readonly swarm?: SwarmRates;
  /** The service's snapshot policy (Raft property); absent = LAB_SNAPSHOT_POLICY. */
  readonly snapshot?: SnapshotPolicy;
  /** Sorted by time; actions at the same time run in list order. */
  readonly actions: readonly FaultAction[];
}

export class ScheduleError extends Error {}

const MAX_SERVERS = 9;
const MAX_TIME_MS = 3_600_000;

/** Reads a schedule from parsed JSON, checking every field; throws ScheduleError with one line naming the bad field. */
export function parseSchedule(json: unknown): FaultSchedule {
  const o = object(json, 'schedule');
  const servers = int(o.servers, 'servers', 1, MAX_SERVERS);
  const seed = int(o.seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
  const loadIntervalMs = int(o.loadIntervalMs, 'loadIntervalMs', 0, MAX_TIME_MS);
  const loadPerAction = o.loadPerAction === undefined ? 0 : int(o.loadPerAction, 'loadPerAction', 0, 100);
  const healAtMs = int(o.healAtMs, 'healAtMs', 0, MAX_TIME_MS);
  const livenessMs = int(o.livenessMs, 'livenessMs', 1, MAX_TIME_MS);
  if (!Array.isArray(o.actions)) throw new ScheduleError('schedule.actions must be a list');
  const actions = o.actions.map((a, k) => parseAction(a, `actions[${k}]`, servers));
  for (let k = 1; k < actions.length; k++) {
    if (actions[k]!.at < actions[k - 1]!.at) throw new ScheduleError(`actions[${k}].at goes back in time (actions must be sorted by time)`);
  }
  const last = actions.length > 0 ? actions[actions.length - 1]!.at : 0;
  if (healAtMs < last) throw new ScheduleError(`healAtMs (${healAtMs}) is before the last action (${last})`);
  const swarm = o.swarm === undefined ? undefined : parseSwarm(o.swarm);
  const snapshot = o.snapshot === undefined ? undefined : parseSnapshotPolicy(o.snapshot);
  return { servers, seed, loadIntervalMs, loadPerAction, healAtMs, livenessMs, ...(swarm ? { swarm } : {}), ...(snapshot ? { snapshot } : {}), actions };
}

function parseSwarm(json: unknown): SwarmRates {
  const o = object(json, 'swarm');
  const rates: Partial<Record<FaultKind, number>> = {};
  for (const k of BASE_FAULT_KINDS) rates[k] = o[k] === undefined ? 0 : int(o[k], `swarm.${k}`, 0, SWARM_RATE_MAX);
  for (const k of RAFT_FAULT_KINDS) if (o[k] !== undefined) rates[k] = int(o[k], `swarm.${k}`, 0, SWARM_RATE_MAX);
  for (const k of Object.keys(o)) if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new ScheduleError(`swarm.${k} is not a fault kind`);
  return rates;
}

function parseSnapshotPolicy(json: unknown): SnapshotPolicy {
  const o = object(json, 'snapshot');
  for (const k of Object.keys(o)) if (k !== 'every' && k !== 'bytes' && k !== 'delayMs') throw new ScheduleError(`snapshot.${k} is not a snapshot setting (every, bytes, delayMs)`);
  const every = o.every === undefined ? 0 : int(o.every, 'snapshot.every', 0, 1000);
  const bytes = o.bytes === undefined ? 0 : int(o.bytes, 'snapshot.bytes', 0, 100_000_000);
  const delayMs = o.delayMs === undefined ? 0 : int(o.delayMs, 'snapshot.delayMs', 0, MAX_TIME_MS);
  return { every, bytes, delayMs };
}

/** The policy a schedule runs with. */
export function snapshotPolicyOf(s: FaultSchedule): SnapshotPolicy {
  return s.snapshot ?? LAB_SNAPSHOT_POLICY;
}

function parseAction(json: unknown, where: string, servers: number): FaultAction {
  const o = object(json, where);
  const at = int(o.at, `${where}.at`, 0, MAX_TIME_MS);
  const kind = o.do;
  const node = (v: unknown, what: string): number => int(v, what, 0, servers - 1);
  const nodeRef = (v: unknown): NodeRef => {
    if (v === 'leader') return v;
    if (v === 'down') {
      if (kind !== 'restart' && kind !== 'connect') throw new ScheduleError(`${where}.node "down" only goes with restart and connect`);
      return v;
    }
    return node(v, `${where}.node`);
  };
  const nodes = (v: unknown, what: string): number[] => {
    if (!Array.isArray(v)) throw new ScheduleError(`${what} must be a list of servers`);
    const list = v.map((x, i) => node(x, `${what}[${i}]`));
    if (new Set(list).size !== list.length) throw new ScheduleError(`${what} names a server twice`);
    return list;
  };
  switch (kind) {
    case 'partition': {
      if (!Array.isArray(o.groups)) throw new ScheduleError(`${where}.groups must be a list of lists of servers`);
      const groups = o.groups.map((g, i) => nodes(g, `${where}.groups[${i}]`));
      const all = groups.flat();
      if (new Set(all).size !== all.length) throw new ScheduleError(`${where}.groups names a server in two groups`);
      return { at, do: kind, groups };
    }
    case 'cut':
      return { at, do: kind, from: nodes(o.from, `${where}.from`), to: nodes(o.to, `${where}.to`) };
    case 'heal':
      return { at, do: kind };
    case 'isolate':
    case 'disconnect':
    case 'connect':
    case 'crash':
    case 'restart':
      return { at, do: kind, node: nodeRef(o.node) };
    case 'unreliable':
    case 'reorder':
      if (typeof o.on !== 'boolean') throw new ScheduleError(`${where}.on must be true or false`);
      return { at, do: kind, on: o.on };
    case 'load':
      return { at, do: kind, count: int(o.count, `${where}.count`, 1, 1000) };
    case 'hold':
      if (o.what !== 'replies' && o.what !== 'requests') throw new ScheduleError(`${where}.what must be "replies" or "requests", got ${JSON.stringify(o.what)}`);
      return { at, do: kind, node: nodeRef(o.node), what: o.what, ms: int(o.ms, `${where}.ms`, 1, MAX_TIME_MS) };
    case 'flap': {
      if (o.partner !== undefined && typeof o.partner !== 'boolean') throw new ScheduleError(`${where}.partner must be true or false`);
      const flap = { at, do: kind, node: nodeRef(o.node), ms: int(o.ms, `${where}.ms`, 1, MAX_TIME_MS) };
      return o.partner === true ? { ...flap, partner: true } : flap;
    }
    default:
      throw new ScheduleError(`${where}.do must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScheduleError(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function int(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ScheduleError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The number of fault actions (what shrinking minimizes). */
export function faultCount(s: FaultSchedule): number {
  return s.actions.length;
}

/** One action on one line: "1.900s cut 1 → 0,2" (without the time: "cut 1 → 0,2"). */
export function describeAction(a: FaultAction, withTime = true): string {
  const when = withTime ? `${(a.at / 1000).toFixed(3)}s` : '';
  return `${when}${withTime ? ' ' : ''}${describeWhat(a)}`;
}

function describeWhat(a: FaultAction): string {
  switch (a.do) {
    case 'partition':
      return `partition ${a.groups.map((g) => g.join(',')).join(' | ')}`;
    case 'cut':
      return `cut ${a.from.join(',')} → ${a.to.join(',')}`;
    case 'heal':
      return `heal`;
    case 'unreliable':
    case 'reorder':
      return `${a.do} ${a.on ? 'on' : 'off'}`;
    case 'load':
      return `load ${a.count}`;
    case 'hold':
      return `hold ${a.node}'s ${a.what} ${a.ms} ms`;
    case 'flap':
      return `flap ${a.node}${a.partner ? ' with a partner' : ''} for ${a.ms} ms`;
    default:
      return `${a.do} ${a.node}`;
  }
}

/** "crash 2/4, partition 1/4, … (off: cut, heal)", or "" without swarm information. */
export function describeSwarm(rates: SwarmRates | undefined): string {
  if (!rates) return '';
  const kinds = FAULT_KINDS.filter((k) => rates[k] !== undefined);
  const on = kinds.filter((k) => rates[k]! > 0).map((k) => `${k} ${rates[k]}/${SWARM_RATE_MAX}`);
  const off = kinds.filter((k) => rates[k] === 0);
  return `${on.length > 0 ? on.join(', ') : 'no fault kind'}${off.length > 0 ? ` (off: ${off.join(', ')})` : ''}`;
}

function describeLoad(s: FaultSchedule): string {
  const parts: string[] = [];
  if (s.loadIntervalMs > 0) parts.push(`a Start on every leader every ${s.loadIntervalMs} ms`);
  if (s.loadPerAction > 0) parts.push(`${s.loadPerAction} Start(s) on every leader after each action`);
  return parts.length > 0 ? parts.join(', ') : 'bursts only';
}

/** The schedule for people: its settings, swarm and one line per action. */
export function describeSchedule(s: FaultSchedule): string[] {
  const lines = [
    `${s.servers} servers, world seed ${s.seed}, load: ${describeLoad(s)}, heal at ${(s.healAtMs / 1000).toFixed(3)}s, then progress within ${s.livenessMs / 1000}s`,
  ];
  if (s.swarm) lines.push(`swarm: ${describeSwarm(s.swarm)}`);
  if (s.snapshot) lines.push(`snapshots: ${describeSnapshotPolicy(s.snapshot)}`);
  lines.push(`${s.actions.length} fault action(s)${s.actions.length > 0 ? ':' : ''}`);
  for (const a of s.actions) lines.push(`  ${describeAction(a)}`);
  return lines;
}

/** "every 3 indexes, or at 600 bytes of Raft state; up to 250 ms after the apply". */
export function describeSnapshotPolicy(p: SnapshotPolicy): string {
  const triggers: string[] = [];
  if (p.every > 0) triggers.push(p.every === 1 ? 'at every index' : `every ${p.every} indexes`);
  if (p.bytes > 0) triggers.push(`at ${p.bytes} bytes of Raft state`);
  const when = p.delayMs > 0 ? `up to ${p.delayMs} ms after the apply` : 'in the apply loop';
  return triggers.length === 0 ? 'none' : `${triggers.join(', or ')}; ${when}`;
}

/** The schedule as JSON text with one action per line (readable, diffable, editable). */
export function formatScheduleJson(s: FaultSchedule, indent = ''): string {
  const head = { servers: s.servers, seed: s.seed, loadIntervalMs: s.loadIntervalMs, loadPerAction: s.loadPerAction, healAtMs: s.healAtMs, livenessMs: s.livenessMs };
  const fields = Object.entries(head).map(([k, v]) => `${indent}  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  if (s.swarm) fields.push(`${indent}  "swarm": ${JSON.stringify(s.swarm)},`);
  if (s.snapshot) fields.push(`${indent}  "snapshot": ${JSON.stringify(s.snapshot)},`);
  const actions = s.actions.map((a, k) => `${indent}    ${JSON.stringify(a)}${k < s.actions.length - 1 ? ',' : ''}`);
  return [`{`, ...fields, `${indent}  "actions": [`, ...actions, `${indent}  ]`, `${indent}}`].join('\n');
}
