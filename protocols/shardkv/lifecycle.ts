/**
 * A shard's lifecycle in one replica group, as a statechart (xstate v5,
 * stepped with its pure `transition()`; a few transitions per
 * reconfiguration, never per client operation):
 *
 *   Absent ──GAIN_NEW──▶ Serving            (the shard was on gid 0: it starts empty)
 *   Absent ──GAIN──────▶ Pulling            (another group owned it: pull its data)
 *   Pulling ─INSTALLED─▶ GCing              (data and dedup entries in; served from now on)
 *   GCing ───GC_DONE───▶ Serving            (the old owner has deleted its copy)
 *   Serving ─LOSE──────▶ BePulling          (kept, frozen, until the new owner has it)
 *   Serving ─DROP──────▶ Absent             (moved to gid 0: nobody will pull it)
 *   BePulling ─DELETED─▶ Absent             (the new owner installed it)
 *
 * A group serves a shard in Serving and GCing; a config change waits until
 * every shard is Serving or Absent ("settled").
 */
import { setup, transition } from 'xstate';

export type ShardStatus = 'Absent' | 'Serving' | 'Pulling' | 'BePulling' | 'GCing';
export type ShardEvent = 'GAIN_NEW' | 'GAIN' | 'INSTALLED' | 'GC_DONE' | 'LOSE' | 'DROP' | 'DELETED';

export const shardLifecycle = setup({ types: { events: {} as { type: ShardEvent } } }).createMachine({
  id: 'shard',
  initial: 'Absent',
  states: {
    Absent: { on: { GAIN_NEW: 'Serving', GAIN: 'Pulling' } },
    Pulling: { on: { INSTALLED: 'GCing' } },
    GCing: { on: { GC_DONE: 'Serving' } },
    Serving: { on: { LOSE: 'BePulling', DROP: 'Absent' } },
    BePulling: { on: { DELETED: 'Absent' } },
  },
});

/** The status after `event`; an event the status has no transition for leaves it as it is. */
export function step(status: ShardStatus, event: ShardEvent): ShardStatus {
  const [next] = transition(shardLifecycle, shardLifecycle.resolveState({ value: status }), { type: event });
  return next.value as ShardStatus;
}

export const serves = (s: ShardStatus): boolean => s === 'Serving' || s === 'GCing';
export const settled = (s: ShardStatus): boolean => s === 'Serving' || s === 'Absent';
