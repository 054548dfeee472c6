/**
 * Raft under generated fault schedules: "under any schedule the Raft
 * invariants hold, and after healing the cluster elects a leader and
 * commits a new command on every server within 10 s".
 *
 * prop/raft/safety runs three servers: runs are cheap (about 10 ms) and every
 * bug of the zoo shows within a few faults (Figure 8 takes three
 * "isolate leader"). prop/raft/safety-5 runs five, as TestFigure8 does; its
 * Figure 8 needs a fourth isolation, so it finds that bug far less often.
 * Inputs are fault schedules (scenarios/faults): swarm-style, shrinkable,
 * plain JSON.
 */
import { defineProperty, type Property } from '../../sim/property.ts';
import { faultSchedule } from '../faults/arbitrary.ts';
import { runRaftSchedule } from '../faults/raft.ts';
import { describeSchedule, faultCount, formatScheduleJson, parseSchedule, type FaultSchedule } from '../faults/schedule.ts';

function raftProperty(name: string, servers: number): Property<FaultSchedule> {
  return defineProperty<FaultSchedule>({
    name,
    description:
      `${servers} Raft servers under a generated fault schedule (partitions, one-way cuts, disconnects, crashes, restarts, ` +
      'unreliable network, reordering, load bursts): the invariants hold, and after healing a leader commits a new command on every server within 10 s',
    arbitrary: faultSchedule({ servers, raftFaults: true }),
    fromJson: (json) => {
      const s = parseSchedule(json);
      if (s.servers !== servers) throw new Error(`this property runs ${servers} servers, the schedule has ${s.servers}`);
      return s;
    },
    toJson: (s) => s,
    formatJson: formatScheduleJson,
    seedOf: (s) => s.seed,
    sizeOf: faultCount,
    describe: describeSchedule,
    run: (t, s) => runRaftSchedule(t, s),
    timeLimitUs: 600_000_000,
  });
}

export const raftSafety = raftProperty('prop/raft/safety', 3);
export const raftSafety5 = raftProperty('prop/raft/safety-5', 5);
