/**
 * The lifecycle of one MapReduce task, as a statechart stepped with xstate's
 * pure transition():
 *
 *   idle ──ISSUE──▶ inProgress ──REPORT──▶ done
 *     ▲                │
 *     └────TIMEOUT─────┘          idle ──REPORT──▶ done
 *
 * The last edge is a worker whose task timed out reporting late: its output
 * was renamed into place before the report, so the task is complete. A REPORT
 * on a done task is a duplicate and changes nothing (handled before the chart).
 * Anything else is a coordinator bug and throws.
 *
 * A task changes state a few times per job (18 tasks), so the ~20 µs of a pure
 * transition() is affordable; a poll that finds nothing to do never calls it.
 */
import { setup, transition } from 'xstate';

export type TaskStatus = 'idle' | 'inProgress' | 'done';
export type TaskEvent = { readonly type: 'ISSUE' } | { readonly type: 'TIMEOUT' } | { readonly type: 'REPORT' };

export const taskMachine = setup({
  types: { events: {} as TaskEvent },
}).createMachine({
  id: 'mrTask',
  initial: 'idle',
  states: {
    idle: { on: { ISSUE: 'inProgress', REPORT: 'done' } },
    inProgress: { on: { TIMEOUT: 'idle', REPORT: 'done' } },
    done: { type: 'final' },
  },
});

type TaskSnapshot = ReturnType<typeof taskMachine.resolveState>;

/** One resolved snapshot per status, built once: transition() never mutates its input. */
const snapshots: Record<TaskStatus, TaskSnapshot> = {
  idle: taskMachine.resolveState({ value: 'idle', context: {} }),
  inProgress: taskMachine.resolveState({ value: 'inProgress', context: {} }),
  done: taskMachine.resolveState({ value: 'done', context: {} }),
};

export class IllegalTaskTransition extends Error {}

/** The status after `event`; throws when the chart does not allow the event in `status`. */
export function stepTask(status: TaskStatus, event: TaskEvent['type']): TaskStatus {
  const [next] = transition(taskMachine, snapshots[status], { type: event });
  const value = next.value as TaskStatus;
  if (value === status) throw new IllegalTaskTransition(`task in state ${status} cannot take ${event}`);
  return value;
}
