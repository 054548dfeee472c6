/**
 * A shard's lifecycle in one group, as a statechart stepped with xstate's
 * pure transition() — a few coarse transitions per reconfiguration, never
 * per client operation:
 *
 *   Absent ──GAIN──▶ Pulling ──INSTALL──▶ GCing ──DELETED──▶ Serving
 *     │  ▲                                                   │
 *     │  └──────────────DELETE──── BePulling ◀──LOSE─────────┘
 *     └──FRESH (the shard had no owner)──▶ Serving
 *
 * Serving and GCing serve the shard's keys; Pulling waits for the data from
 * the previous owner; BePulling keeps the frozen data until the new owner
 * confirms it installed it (DELETE), then drops it. A config may only be
 * applied when every shard is settled (Absent or Serving).
 */
import { setup, transition } from 'xstate';
import type { ShardStatus } from './types.ts';

export type ShardEvent = 'GAIN' | 'FRESH' | 'LOSE' | 'INSTALL' | 'DELETE' | 'DELETED';

export const shardMachine = setup({
  types: { events: {} as { type: ShardEvent } },
}).createMachine({
  id: 'shard',
  initial: 'Absent',
  states: {
    Absent: { on: { GAIN: 'Pulling', FRESH: 'Serving' } },
    Pulling: { on: { INSTALL: 'GCing' } },
    GCing: { on: { DELETED: 'Serving' } },
    Serving: { on: { LOSE: 'BePulling' } },
    BePulling: { on: { DELETE: 'Absent' } },
  },
});

type ShardSnapshot = ReturnType<typeof shardMachine.resolveState>;

const STATUSES: readonly ShardStatus[] = ['Absent', 'Serving', 'Pulling', 'BePulling', 'GCing'];
/** One resolved snapshot per status, built once: transition() never mutates its input. */
const snapshots = Object.fromEntries(STATUSES.map((s) => [s, shardMachine.resolveState({ value: s, context: {} })])) as Record<ShardStatus, ShardSnapshot>;

export class IllegalShardTransition extends Error {}

/** The status after `event`; throws when the chart does not allow it (a server bug). */
export function stepShard(status: ShardStatus, event: ShardEvent): ShardStatus {
  const [next] = transition(shardMachine, snapshots[status], { type: event });
  const value = next.value as ShardStatus;
  if (value === status) throw new IllegalShardTransition(`shard in state ${status} cannot take ${event}`);
  return value;
}

/** Settled: nothing to move; the next config may be applied. */
export function settled(status: ShardStatus): boolean {
  return status === 'Absent' || status === 'Serving';
}

/** Whether the shard's keys are served (its data is here and complete). */
export function serves(status: ShardStatus): boolean {
  return status === 'Serving' || status === 'GCing';
}
