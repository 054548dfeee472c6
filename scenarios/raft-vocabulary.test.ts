/**
 * The Raft fact vocabulary is declared twice on purpose: protocols/raft emits
 * it (types.ts: RaftFact, ApplyMsg), checkers/raft reads it as data
 * (types.ts: RaftFact, RaftApply) without importing the protocol. This file
 * ties the two: the type assertions fail to compile (npm test runs tsc first)
 * when one side changes a fact's name or fields without the other, and the
 * run below checks that what the correct Raft emits is what the checker's
 * gate recognises.
 */
import { describe, expect, it } from 'vitest';
import { isRaftFact, type RaftApply, type RaftFact as ReadFact } from '../checkers/raft/index.ts';
import type { ApplyMsg, RaftFact as EmittedFact } from '../protocols/raft/index.ts';
import { findScenario, runScenario } from '../sim/scenario.ts';
import { TraceKind, type TraceRecord } from '../sim/trace.ts';
import './raft/index.ts';

/** True exactly when A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const factsAgree: Same<EmittedFact, ReadFact> = true;
const factNamesAgree: Same<EmittedFact['type'], ReadFact['type']> = true;
/** The checker reads a subset of what an apply carries. */
const appliesReadable: [ApplyMsg] extends [RaftApply] ? true : false = true;

describe('the Raft fact vocabulary', () => {
  it('agrees between protocols/raft and checkers/raft (compile-time), every name namespaced raft/', () => {
    expect([factsAgree, factNamesAgree, appliesReadable]).toEqual([true, true, true]);
  });

  it('is what the correct Raft emits in a run with crashes and snapshots: every fact recognised, every kind present', () => {
    const facts: TraceRecord[] = [];
    const r = runScenario(findScenario('raft/3D/install-crash')!, { seed: 1, onRecord: (rec) => rec.kind === TraceKind.Fact && facts.push(rec) });
    expect(r.passed).toBe(true);
    expect(facts.filter((f) => !isRaftFact(f.payload))).toEqual([]);
    const names = new Set(facts.map((f) => (f.payload as EmittedFact).type));
    expect([...names].sort()).toEqual(['raft/ack', 'raft/boot', 'raft/commit', 'raft/compact', 'raft/leader', 'raft/log', 'raft/match', 'raft/term', 'raft/vote']);
  });
});
