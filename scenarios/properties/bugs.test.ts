/**
 * The Raft bug zoo against the properties (not the fixed lab scenarios):
 * each variant fails prop/raft/safety (or safety-5, for bugs that need five
 * servers) within 1,000 generated schedules at fast-check seed 5, and the
 * failure shrinks to at most 5 fault actions, keeping its kind and invariant.
 * The rows are the recorded paths of those searches (the test shape is
 * zoo-paths.ts: each path is followed without a search, its schedule run with
 * the bug and with the correct Raft); SIMLAB_ZOO_SEARCH=1 repeats the
 * searches themselves (seconds).
 *
 * raftBugs are also caught by the lab scenarios (raft-caught.ts);
 * raftFaultBugs only through the property's simlab-only faults (snapshot
 * policies, held messages, leader flapping): the property without those
 * faults (faultSchedule without raftFaults) passes them at seed 5 over 1,000
 * schedules, except append-below-snapshot (first failure at run 400 there,
 * 19 with them).
 */
import { describe, expect, it } from 'vitest';
import { checkProperty, failureSignature } from '../../sim/property.ts';
import {
  raftAppendBelowSnapshot,
  raftBugs,
  raftCommitOldTermByCount,
  raftFaultBugs,
  raftInstallDropsLog,
  raftInstallNoLastApplied,
  raftNoElectionRestriction,
  raftSnapshotBelowBase,
  raftSnapshotNotRestored,
  raftStaleAppendReply,
  raftStaleVote,
  raftVotedForNotPersisted,
  type RaftBug,
} from '../bugs/raft.ts';
import { raftSafety, raftSafety5 } from './raft.ts';
import { testZooPaths, type FoundBug } from './zoo-paths.ts';

const SEED = 5;
const row = (bug: RaftBug, f: Omit<FoundBug, 'bug' | 'role'>): FoundBug => ({ bug: { name: bug.name, service: bug.node }, role: 'raft', ...f });

const found3: readonly FoundBug[] = [
  // Three "isolate leader" (Figure 8).
  row(raftCommitOldTermByCount, { path: '55:2:2:2:2:2:2:1:1:2:1:3:6:4:5:6:7:10:10:12:15:13:13:13:13:13:13:13:13:13:13:13:13:13:13', runs: 56, shrinkRuns: 324, kind: 'safety', message: /^leader-completeness: leader \d+ of term \d+ lacks committed index/ }),
  row(raftVotedForNotPersisted, { path: '82:3:3:3:8:8:10:9:3:4:9:12:12:12:12:12:12:12:12:14:21:21:4:3:18:18:18:18:18:25:24:24:24:24:24:23:23', runs: 83, shrinkRuns: 559, kind: 'safety', message: /^vote-once: node \d+ voted for \d+ in term \d+, but it voted for \d+ in that term before a restart/ }),
  row(raftNoElectionRestriction, { path: '9:0:0:0:0:3:3:0:1:1:2:1:1:1:1:1:1:1:1:1:1:6:4:4:5:8:7:7:8:8:8:8:8', runs: 10, shrinkRuns: 141, kind: 'safety', message: /^leader-completeness: leader \d+ of term \d+ lacks committed index/ }),
  row(raftInstallNoLastApplied, { path: '2:0:0:0:0:0:3:5:5:5:5:5:5:5:5:5:7:6:8:8:8:10:10:12:15:17:6:6:6:6:8:16:6:6:6:8:4:15:6:10:8:8:9:9:9:10:9:3:6:6', runs: 3, shrinkRuns: 390, kind: 'crash', message: /RaftLogError: raft log: no entry at index \d+ \(snapshot through \d+/ }),
  row(raftSnapshotNotRestored, { path: '8:0:0:0:0:3:3:4:3:3:3:6:8:10:9:11:11:14:14:14:14:14:14:14:15', runs: 9, shrinkRuns: 225, kind: 'safety', message: /acknowledged-kept: node \d+ restarts with a log ending at index \d+/ }),
  // No fault at all: Snapshot at every index, up to 50 ms after the apply, meets the snapshot a lagging follower installed meanwhile.
  row(raftSnapshotBelowBase, { path: '0:0:0:0:0:0:1:0:0:0:0:0:0:0:0:0:0:0:1:0:1:0', runs: 1, shrinkRuns: 24, kind: 'crash', message: /handling call snapshot .*RaftLogError: raft log: no entry at index \d+ \(snapshot through \d+/ }),
  // "isolate leader", then the new leader's requests held 100 ms: the last held AppendEntries lands after a snapshot newer than it.
  row(raftAppendBelowSnapshot, { path: '18:3:3:3:3:5:6:7:6:6:9:11:11:11:11:11:11:11:11:11:11:13:20:20:20:20:20', runs: 19, shrinkRuns: 320, kind: 'crash', message: /handling request Raft\.AppendEntries .*RaftLogError: raft log: no entry at index \d+ \(snapshot through \d+/ }),
  // A one-way cut, reordering and a flap: a vote of term 2 counted in term 3 elects a leader without the entry committed in 2.
  row(raftStaleVote, { path: '983:0:1:2:1:3:3:3:3:8:8:8:8:7:7:7:7:7:7:8:7:9:10:10:12:19:19:19:19:19', runs: 984, shrinkRuns: 289, kind: 'safety', message: /^leader-completeness: leader \d+ of term \d+ lacks committed index/ }),
];

const found5: readonly FoundBug[] = [
  // A flap with a partner: the partner's held acknowledgements of the minority leader's entries reach it when it leads again.
  row(raftStaleAppendReply, { path: '274:2:3:2:2:2:6:6:5:9:7:11:1:1:4:7:6:12:12:11:14:12:11:12:12:12:12:12:12:19:3:3:6:11:15:11:11:3:16:16:16:23:3:8:11:14:3:6:3:16:3:15:19:6:3:11:14:12:16:11:19:15:20:11:11:13:11:18:9:14:15:15:15', runs: 275, shrinkRuns: 818, kind: 'safety', message: /^match-acknowledged: leader \d+ of term \d+ sets matchIndex \d+ for node \d+/ }),
  // Held replies and late snapshots: a stale InstallSnapshot moves the follower's commit back below what its service applied.
  row(raftInstallDropsLog, { path: '2:0:0:1:0:3:4:3:3:3:3:3:3:9:11:11:11:10:10:10:13:13:13:13:13:13:14:13:15:8:10:6:6:8:13:13', runs: 3, shrinkRuns: 330, kind: 'safety', message: /^acknowledged-kept: node \d+ acknowledged index \d+ to the leader of term \d+/ }),
];

const in5 = new Set(found5.map((f) => f.bug.name));
const zoo = [...raftBugs, ...raftFaultBugs];
testZooPaths('prop/raft/safety finds the bugs of the zoo', raftSafety, SEED, found3, zoo.filter((b) => !in5.has(b.name)), 'raft');
testZooPaths('prop/raft/safety-5 finds the bugs that need five servers', raftSafety5, SEED, found5, zoo.filter((b) => in5.has(b.name)), 'raft');

describe('the Raft zoo rows', () => {
  it('shrink keeping the kind and invariant of the first failing run (checked on the cheapest search)', () => {
    const r = checkProperty(raftSafety, { seed: SEED, numRuns: 1000, maxShrinkRuns: 1000 }, { impl: { raft: raftSnapshotBelowBase.node } });
    expect(r.path).toBe(found3.find((f) => f.bug.name === raftSnapshotBelowBase.name)!.path);
    expect(failureSignature(r.counterexample!.failure!)).toBe(failureSignature(r.original!.failure!));
  });
});

describe('shrinking keeps the failure of the first failing run', () => {
  // Without the rule, fast-check takes any smaller failing schedule: before the
  // acknowledged-kept invariant, seed 1's state-machine-safety violation shrank
  // into a leader-completeness one, and seed 3's liveness failure into a safety
  // one ("apply error"). Now the restart that lost acknowledged entries is named
  // at once; with the simlab-only faults seed 2 fails first as acknowledged-kept and
  // seed 1 as state-machine-safety.
  for (const [seed, kind, invariant] of [
    [2, 'safety', 'acknowledged-kept'],
    [1, 'safety', 'state-machine-safety'],
  ] as const) {
    it(`${raftSnapshotNotRestored.name} at fast-check seed ${seed}: first ${kind}${invariant ? ` (${invariant})` : ''}, shrunk the same`, () => {
      const r = checkProperty(raftSafety, { seed, numRuns: 100, maxShrinkRuns: 3000 }, { impl: { raft: raftSnapshotNotRestored.node } });
      const first = r.original!.failure!;
      const shrunk = r.counterexample!.failure!;
      expect(failureSignature(first)).toBe(invariant ? `${kind} (${invariant})` : kind);
      expect(failureSignature(shrunk)).toBe(failureSignature(first));
      expect(r.counterexample!.input.actions.length).toBeLessThanOrEqual(r.original!.input.actions.length);
    });
  }
});
