/**
 * How often the Raft property's schedules reach Raft's hard paths: an
 * instrumented run of the correct Raft that, at every delivery, looks at the
 * receiving server's state just before its step. Counted (only for messages
 * of the receiver's term or a newer one, which get past the term check):
 *
 * - InstallSnapshot meeting a follower below, at or above its commit index;
 * - AppendEntries whose prevLogIndex lies below the follower's snapshot;
 * - a reply from an earlier term reaching a server that leads (again) by
 *   then (AppendEntries), or a vote granted in an earlier term reaching a
 *   candidate of a later one.
 *
 * `npx tsx scenarios/faults/reach.ts [RUNS] [SEED]` prints the counts for the
 * old harness (the lab's snapshot policy, no hold, no flap) and the new one,
 * for 3 and 5 servers; reach.test.ts asserts the new one reaches each path
 * far more often.
 */
import fc from 'fast-check';
import type { Host } from '../../sim/host.ts';
import { runScenario, type Scenario } from '../../sim/scenario.ts';
import { TraceKind } from '../../sim/trace.ts';
import { RPC, type AppendEntriesArgs, type InstallSnapshotArgs, type RaftState } from '../../protocols/raft/index.ts';
import { faultSchedule } from './arbitrary.ts';
import { runRaftSchedule } from './raft.ts';
import type { FaultSchedule } from './schedule.ts';

export interface ReachCounts {
  schedules: number;
  /** InstallSnapshot with lastIncludedIndex below / at / above the follower's commitIndex. */
  installBelowCommit: number;
  installAtCommit: number;
  installAboveCommit: number;
  /** AppendEntries with prevLogIndex below the follower's snapshot. */
  appendBelowSnapshot: number;
  /** AppendEntries replies from an earlier term reaching a leader; vote grants from an earlier term reaching a candidate. */
  staleAppendReplyToLeader: number;
  staleVoteToCandidate: number;
  /** Schedules in which each path happened at least once (same order as the counts above). */
  schedulesReaching: Record<ReachPath, number>;
}

export const REACH_PATHS = [
  'installBelowCommit',
  'installAtCommit',
  'installAboveCommit',
  'appendBelowSnapshot',
  'staleAppendReplyToLeader',
  'staleVoteToCandidate',
] as const;
export type ReachPath = (typeof REACH_PATHS)[number];

function emptyCounts(): ReachCounts {
  const zero = Object.fromEntries(REACH_PATHS.map((k) => [k, 0])) as Record<ReachPath, number>;
  return { schedules: 0, ...zero, schedulesReaching: { ...zero } };
}

/** The receiving server's Raft state (the correct Raft's shape), or undefined when it is down. */
function raftStateOf(t: Parameters<Scenario['run']>[0], name: string): RaftState | undefined {
  const host = t.world.network.server(name) as Host<RaftState> | null;
  return host?.alive ? host.state : undefined;
}

/** Runs `s` on the correct Raft, adding what it reached to `into`; returns whether the run passed. */
export function reachOf(s: FaultSchedule, into: ReachCounts = emptyCounts()): boolean {
  const hit = new Set<ReachPath>();
  const bump = (k: ReachPath) => {
    into[k]++;
    hit.add(k);
  };
  const scenario: Scenario = {
    name: 'faults/reach',
    description: 'the Raft property with its hard paths counted',
    timeLimitUs: 600_000_000,
    *run(t) {
      t.world.trace.addListener(
        (r) => {
          const st = raftStateOf(t, r.node);
          if (st === undefined) return;
          if (r.kind === TraceKind.Deliver) {
            if (r.label === RPC.installSnapshot) {
              const a = r.payload as InstallSnapshotArgs;
              if (a.term < st.currentTerm) return;
              bump(a.lastIncludedIndex < st.commitIndex ? 'installBelowCommit' : a.lastIncludedIndex === st.commitIndex ? 'installAtCommit' : 'installAboveCommit');
            } else if (r.label === RPC.appendEntries) {
              const a = r.payload as AppendEntriesArgs;
              if (a.term >= st.currentTerm && a.prevLogIndex < st.log.base) bump('appendBelowSnapshot');
            }
            return;
          }
          // A response: the payload is the reply (when ok); its term is the replier's then, at least the request's.
          if (!r.ok) return;
          const reply = r.payload as { term: number; voteGranted?: boolean };
          if (reply.term >= st.currentTerm) return;
          if (r.label === RPC.appendEntries && st.role.kind === 'leader') bump('staleAppendReplyToLeader');
          else if (r.label === RPC.requestVote && reply.voteGranted === true && st.role.kind === 'candidate') bump('staleVoteToCandidate');
        },
        [TraceKind.Deliver, TraceKind.Response],
      );
      yield* runRaftSchedule(t, s);
    },
  };
  const r = runScenario(scenario, { seed: s.seed });
  into.schedules++;
  for (const k of hit) into.schedulesReaching[k]++;
  return r.passed;
}

/** Counts over `runs` schedules of the Raft property's arbitrary (with or without the simlab-only faults). */
export function measureReach(options: { servers: number; raftFaults: boolean; seed: number; runs: number }): ReachCounts {
  const counts = emptyCounts();
  const arb = faultSchedule({ servers: options.servers, raftFaults: options.raftFaults });
  for (const s of fc.sample(arb, { seed: options.seed, numRuns: options.runs })) {
    if (!reachOf(s, counts)) throw new Error(`the correct Raft failed a schedule while measuring reach: ${JSON.stringify(s)}`);
  }
  return counts;
}

/** One table: a row per path, old vs new (schedules reaching it, and deliveries). */
export function formatReach(old: ReachCounts, neu: ReachCounts): string[] {
  const lines = [`${'path'.padEnd(26)} ${'old: schedules'.padStart(15)} ${'times'.padStart(7)}   ${'new: schedules'.padStart(15)} ${'times'.padStart(7)}`];
  for (const k of REACH_PATHS) {
    lines.push(
      `${k.padEnd(26)} ${`${old.schedulesReaching[k]}/${old.schedules}`.padStart(15)} ${String(old[k]).padStart(7)}   ${`${neu.schedulesReaching[k]}/${neu.schedules}`.padStart(15)} ${String(neu[k]).padStart(7)}`,
    );
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 500);
  const seed = Number(process.argv[3] ?? 1);
  for (const servers of [3, 5]) {
    const old = measureReach({ servers, raftFaults: false, seed, runs });
    const neu = measureReach({ servers, raftFaults: true, seed, runs });
    console.log(`\n${servers} servers, ${runs} schedules each (fast-check seed ${seed}):`);
    for (const line of formatReach(old, neu)) console.log(`  ${line}`);
  }
}
