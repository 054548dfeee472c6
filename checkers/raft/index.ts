/**
 * The Raft invariant checker: election safety, log matching, leader
 * completeness, state machine safety, one vote per term across crashes, and
 * snapshots that cover committed entries only and hold what was applied —
 * all read from the facts and applies a trace records.
 *
 *     const checker = new RaftInvariantChecker({ decodeSnapshot });
 *     trace.listener = (r) => checker.observe(r);
 *     …
 *     if (checker.violation) throw new Error(checker.violation.message);
 */
export { RaftInvariantChecker, checkRaftTrace } from './checker.ts';
export { FactGate, isRaftFact } from './gate.ts';
export { commandKey, describeCommand, type CommandKey } from './command-key.ts';
export type {
  RaftApply,
  RaftCheckSummary,
  RaftCheckerOptions,
  RaftFact,
  RaftFactEntry,
  RaftInvariant,
  RaftTermRaise,
  RaftViolation,
} from './types.ts';
