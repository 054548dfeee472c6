/**
 * kvraft under generated fault schedules: "under any schedule (partitions
 * including leader-minority ones, one-way cuts, crash and restart of any or
 * all servers, unreliable network, reordering) against 3–7 servers with
 * five clerks over three keys, the whole history is linearizable, every
 * operation pending at healing completes within 10 s, and Raft's state
 * stays trimmed". Inputs are the fault schedules of scenarios/faults
 * without their Raft-only load fields.
 */
import fc from 'fast-check';
import { defineProperty } from '../../sim/property.ts';
import { faultSchedule } from '../faults/arbitrary.ts';
import { describeSchedule, faultCount, formatScheduleJson, parseSchedule, type FaultSchedule } from '../faults/schedule.ts';
import { FAULT_CLERKS, FAULT_KEYS, runKvraftSchedule } from '../kvraft/faults.ts';

const SERVERS = [3, 4, 5, 6, 7];

/** A schedule without Raft load (clerks are the load here). */
const withoutLoad = (s: FaultSchedule): FaultSchedule => ({ ...s, loadIntervalMs: 0, loadPerAction: 0, actions: s.actions.filter((a) => a.do !== 'load') });

export const kvraftLinearizable = defineProperty<FaultSchedule>({
  name: 'prop/kvraft/linearizable',
  description:
    `3–7 kvraft servers and ${FAULT_CLERKS} clerks over ${FAULT_KEYS} keys under a generated fault schedule (partitions, cuts, disconnects, ` +
    'crashes and restarts, unreliable network, reordering): the history is linearizable, pending operations complete within 10 s of healing, logs stay trimmed',
  arbitrary: fc.oneof(...SERVERS.map((servers) => faultSchedule({ servers }).map(withoutLoad))),
  fromJson: (json) => {
    const s = parseSchedule(json);
    if (!SERVERS.includes(s.servers)) throw new Error(`this property runs 3 to 7 servers, the schedule has ${s.servers}`);
    return s;
  },
  toJson: (s) => s,
  formatJson: formatScheduleJson,
  seedOf: (s) => s.seed,
  sizeOf: faultCount,
  describe: describeSchedule,
  run: (t, s) => runKvraftSchedule(t, s),
  timeLimitUs: 600_000_000,
});
