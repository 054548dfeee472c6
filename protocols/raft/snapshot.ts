/**
 * Log compaction (§7): the service's Snapshot call, and InstallSnapshot for
 * followers whose next entry the leader has already compacted away.
 */
import * as Log from './log.ts';
import { becomeFollower, commitTo, factAck, recordMatch, resetElectionTimer } from './roles.ts';
import type { InstallSnapshotArgs, InstallSnapshotReply, StepScope } from './types.ts';

/**
 * The service's Snapshot(index, bytes): it has applied everything through
 * `index`, so the log drops that prefix and the state is saved together with
 * the snapshot.
 *
 * Ordering. The tester calls this from its apply loop, synchronously, while
 * the host is still handing it the `apply` outputs of an earlier step — a
 * re-entrant step. That is safe: the earlier step has already finished, so
 * lastApplied and commitIndex already cover every apply it emitted (each
 * apply output carries its own command, so none needs the entries we trim
 * here), and the host applied that step's persist before its applies, so
 * this step's persist is the later one and wins. `index` ≤ lastApplied
 * always holds then; a smaller or equal snapshot than ours is ignored.
 */
export function handleSnapshot(sc: StepScope, index: number, snapshot: Uint8Array): void {
  const st = sc.st;
  if (index <= st.log.base) return;
  if (index > st.lastApplied) {
    throw new RangeError(`raft ${st.me}: Snapshot(${index}) beyond what was applied (${st.lastApplied})`);
  }
  compact(sc, index, Log.termAt(st.log, index), snapshot.slice());
}

/** Replaces the prefix through `index` by `data`; returns whether the entries after it were kept. */
function compact(sc: StepScope, index: number, term: number, data: Uint8Array): boolean {
  const st = sc.st;
  const kept = Log.compactTo(st.log, index, term);
  st.snapshot = data;
  sc.persistDue = true;
  sc.out.fact({ type: 'raft/compact', index, term });
  if (!kept) sc.out.fact({ type: 'raft/log', from: index + 1, entries: [] });
  return kept;
}

/** The follower side: a current leader's snapshot is taken if it goes beyond what we have committed. */
export function handleInstallSnapshot(sc: StepScope, args: InstallSnapshotArgs): InstallSnapshotReply {
  const st = sc.st;
  if (args.term < st.currentTerm) return { term: st.currentTerm };
  if (st.role.kind !== 'follower') becomeFollower(sc, args.term);
  resetElectionTimer(sc);
  if (args.lastIncludedIndex > st.commitIndex) {
    sc.parts.acceptSnapshot(sc, args.lastIncludedIndex, args.lastIncludedTerm, args.data);
  }
  factAck(sc, args.lastIncludedIndex); // held: taken now, or already committed
  return { term: st.currentTerm };
}

/**
 * Trims (or replaces) the log, moves commitIndex and lastApplied to the
 * snapshot and hands it to the service; applying then resumes at index + 1.
 */
export function acceptSnapshot(sc: StepScope, index: number, term: number, data: Uint8Array): void {
  const st = sc.st;
  compact(sc, index, term, data);
  commitTo(sc, index);
  st.lastApplied = index;
  sc.out.apply({ snapshotValid: true, snapshot: data, snapshotTerm: term, snapshotIndex: index });
}

/** The leader side: the follower now holds everything through the snapshot; send what follows at once. */
export function handleInstallSnapshotReply(
  sc: StepScope,
  from: number,
  args: InstallSnapshotArgs,
  _reply: InstallSnapshotReply,
): void {
  const st = sc.st;
  if (st.role.kind !== 'leader' || args.term !== st.currentTerm) return;
  recordMatch(sc, from, args.lastIncludedIndex);
}
