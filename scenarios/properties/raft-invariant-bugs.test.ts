/**
 * The Raft variants that only the property's fact-based checks name
 * (scenarios/bugs/raft.ts: raftPropertyBugs): each must fail prop/raft/safety
 * within 1,000 generated schedules, shrink to at most 5 fault actions with the
 * same failure, name its invariant in the message, and the correct Raft must
 * pass the shrunk schedule. The searches run here (they stop at the first
 * failure), so a change to the schedule generator cannot leave stale paths
 * behind. fast-check seed 5; measured when written (runs to the first failure
 * → fault actions after shrinking, shrink runs): election-storm 1 → 0 (14),
 * append-truncates-matching 3 → 1 (75), match-from-own-log 3 → 1 (81),
 * append-not-persisted 9 → 2 (231) — about 9 s in all.
 */
import { describe, expect, it } from 'vitest';
import { checkProperty, failureSignature, runInput } from '../../sim/property.ts';
import { raftAppendNotPersisted, raftAppendTruncatesMatching, raftElectionStorm, raftMatchFromOwnLog, raftPropertyBugs, type RaftBug } from '../bugs/raft.ts';
import { raftSafety } from './raft.ts';

const SEED = 5;

const expected: readonly { readonly bug: RaftBug; readonly signature: string; readonly message: RegExp }[] = [
  {
    bug: raftElectionStorm,
    signature: 'liveness (leadership-stable)',
    message: /^leadership-stable: term \d+ became \d+ [\d.]+ s into the 2\.00 s after healing and a first commit, with every server up and connected and leader \d sending heartbeats: node \d started an election at/,
  },
  {
    bug: raftAppendTruncatesMatching,
    signature: 'safety (acknowledged-kept)',
    message: /^acknowledged-kept: node \d acknowledged index \d+ to the leader of term \d+ and is still in that term, but loses index \d+: its log now ends at index \d+/,
  },
  {
    bug: raftMatchFromOwnLog,
    signature: 'safety (match-acknowledged)',
    message: /^match-acknowledged: leader \d of term \d+ sets matchIndex \d+ for node \d, which acknowledged (only through index \d+|nothing) in that term/,
  },
  {
    bug: raftAppendNotPersisted,
    signature: 'safety (acknowledged-kept)',
    message: /^(client: )?acknowledged-kept: node \d restarts with a log ending at index \d+, but it acknowledged index \d+ to the leader of term \d+ and no later leader replaced it/,
  },
];

describe('prop/raft/safety names the cause of the variants the lab tester cannot see', () => {
  for (const { bug, signature, message } of expected) {
    it(`${bug.name}: found within 1,000 schedules as ${signature}, shrunk to at most 5 fault actions; the correct Raft passes that schedule`, () => {
      const r = checkProperty(raftSafety, { seed: SEED, numRuns: 1000, maxShrinkRuns: 1000 }, { impl: { raft: bug.node } });
      expect(r.failed, `${bug.name} passed 1,000 schedules at fast-check seed ${SEED}`).toBe(true);
      expect(r.runsToFailure).toBeLessThanOrEqual(1000);
      expect(r.shrinkLimited).toBe(false);
      const shrunk = r.counterexample!;
      expect(shrunk.input.actions.length, JSON.stringify(shrunk.input.actions)).toBeLessThanOrEqual(5);
      expect(failureSignature(r.original!.failure!)).toBe(signature);
      expect(failureSignature(shrunk.failure!)).toBe(signature);
      expect(shrunk.failure!.message).toMatch(message);
      expect(runInput(raftSafety, shrunk.input).failure).toBeUndefined();
    });
  }

  it('covers every variant of raftPropertyBugs', () => {
    expect(new Set(expected.map((e) => e.bug.name))).toEqual(new Set(raftPropertyBugs.map((b) => b.name)));
  });
});
