/**
 * shardkv under generated schedules of reconfigurations and faults: "with
 * three groups of three servers and four clerks over five keys, whatever
 * joins, leaves, moves, group shutdowns and restarts, server crashes,
 * restarts and isolations, controller isolations and restarts (of a
 * numbered server or of whichever leads) and unreliable stretches happen,
 * every controller answer for config N is the same config, the whole
 * history is linearizable, every operation pending at healing completes,
 * and every shard is served after healing" (scenarios/shardkv/faults.ts).
 *
 * The arbitrary is fc.record / fc.array / fc.integer with `.map`, so
 * shrinking drops actions, moves them earlier and toward group 0, server 0,
 * shard 0.
 */
import fc from 'fast-check';
import { defineProperty } from '../../sim/property.ts';
import { NShards } from '../../protocols/shardkv/index.ts';
import { GIDS } from '../shardkv/config.ts';
import { describeShardAction, runShardkvSchedule, SKV_FAULT_CLERKS, SKV_FAULT_KEYS, type ShardAction, type ShardSchedule } from '../shardkv/faults.ts';

const HORIZON_MS = 3000;
const STEP_MS = 100;
const SETTLE_MS = 500;
const LIVENESS_MS = 10_000;
const MAX_ACTIONS = 10;
const GROUPS = GIDS.length;
const SERVERS = 3;

const at = fc.integer({ min: 0, max: HORIZON_MS / STEP_MS }).map((k) => k * STEP_MS);
const group = fc.integer({ min: 0, max: GROUPS - 1 });
const server = fc.integer({ min: 0, max: SERVERS - 1 });

/** Joins and leaves weigh twice the other kinds: two groups joined after the first give the rebalance ties to break. */
const action: fc.Arbitrary<ShardAction> = fc.oneof(
  { arbitrary: fc.record({ at, do: fc.constantFrom('join' as const, 'leave' as const), group }), weight: 2 },
  { arbitrary: fc.record({ at, do: fc.constantFrom('shutdown-group' as const, 'start-group' as const), group }), weight: 1 },
  { arbitrary: fc.record({ at, do: fc.constant('move' as const), shard: fc.integer({ min: 0, max: NShards - 1 }), group }), weight: 1 },
  { arbitrary: fc.record({ at, do: fc.constantFrom('crash' as const, 'restart' as const, 'isolate' as const, 'connect' as const), group, server }), weight: 1 },
  { arbitrary: fc.record({ at, do: fc.constantFrom('ctrler-isolate' as const, 'ctrler-restart' as const), server }), weight: 1 },
  { arbitrary: fc.record({ at, do: fc.constantFrom('ctrler-isolate-leader' as const, 'ctrler-restart-leader' as const) }), weight: 1 },
  { arbitrary: fc.record({ at, do: fc.constant('unreliable' as const), on: fc.boolean() }), weight: 1 },
);

const byTime = (actions: readonly ShardAction[]): ShardAction[] => [...actions].sort((a, b) => a.at - b.at);
const lastAt = (actions: readonly ShardAction[]): number => actions.reduce((m, a) => Math.max(m, a.at), 0);

const schedule: fc.Arbitrary<ShardSchedule> = fc
  .record({ seed: fc.integer({ min: 1, max: 0x7fffffff }), actions: fc.array(action, { maxLength: MAX_ACTIONS }) })
  .map(({ seed, actions }) => ({ seed, actions: byTime(actions), healAtMs: lastAt(actions) + SETTLE_MS, livenessMs: LIVENESS_MS }));

const KINDS: Record<ShardAction['do'], readonly string[]> = {
  join: ['group'],
  leave: ['group'],
  'shutdown-group': ['group'],
  'start-group': ['group'],
  move: ['shard', 'group'],
  crash: ['group', 'server'],
  restart: ['group', 'server'],
  isolate: ['group', 'server'],
  connect: ['group', 'server'],
  'ctrler-isolate': ['server'],
  'ctrler-restart': ['server'],
  'ctrler-isolate-leader': [],
  'ctrler-restart-leader': [],
  unreliable: ['on'],
};
const RANGES: Record<string, number> = { group: GROUPS, server: SERVERS, shard: NShards };

const isCount = (v: unknown, below: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < below;

function parseAction(json: unknown, i: number): ShardAction {
  const a = json as Record<string, unknown>;
  const fields = typeof a === 'object' && a !== null ? KINDS[a.do as ShardAction['do']] : undefined;
  if (!fields) throw new Error(`action ${i}: "do" must be one of ${Object.keys(KINDS).join(', ')}`);
  if (!isCount(a.at, Number.MAX_SAFE_INTEGER)) throw new Error(`action ${i}: "at" must be a whole number of ms`);
  for (const f of fields) {
    const ok = f === 'on' ? typeof a[f] === 'boolean' : isCount(a[f], RANGES[f]!);
    if (!ok) throw new Error(`action ${i}: "${f}" must be ${f === 'on' ? 'true or false' : `0..${RANGES[f]! - 1}`}`);
  }
  return Object.fromEntries(['at', 'do', ...fields].map((f) => [f, a[f]])) as unknown as ShardAction;
}

function parseShardSchedule(json: unknown): ShardSchedule {
  const s = json as Record<string, unknown>;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.actions)) throw new Error('a shardkv schedule is an object with "seed", "actions", "healAtMs" and "livenessMs"');
  for (const f of ['seed', 'healAtMs', 'livenessMs'] as const) if (!Number.isInteger(s[f])) throw new Error(`"${f}" must be an integer`);
  const actions = s.actions.map(parseAction);
  return { seed: s.seed as number, actions: byTime(actions), healAtMs: s.healAtMs as number, livenessMs: s.livenessMs as number };
}

export const shardkvLinearizable = defineProperty<ShardSchedule>({
  name: 'prop/shardkv/linearizable',
  description:
    `3 shardkv groups of ${SERVERS} and ${SKV_FAULT_CLERKS} clerks over ${SKV_FAULT_KEYS} keys under a generated schedule of reconfigurations ` +
    '(join, leave, move, a group shut down and started) and faults (crash, restart, isolate, unreliable network; a controller server or the controller leader isolated or restarted): ' +
    'every controller answer for a config number is the same config, the history is linearizable, ' +
    `pending operations complete and every shard is served within ${LIVENESS_MS / 1000} s of healing`,
  arbitrary: schedule,
  fromJson: parseShardSchedule,
  toJson: (s) => s,
  seedOf: (s) => s.seed,
  sizeOf: (s) => s.actions.length,
  describe: (s) => [`seed ${s.seed}, heal at ${s.healAtMs} ms, liveness bound ${s.livenessMs} ms`, ...s.actions.map(describeShardAction)],
  run: (t, s) => runShardkvSchedule(t, s),
  timeLimitUs: 600_000_000,
});
