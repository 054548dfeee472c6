/**
 * Schedules that once made prop/raft/safety fail on the correct Raft, run
 * through the property's own input runner (fromJson → run → check). Each
 * was a checker bug, not a Raft bug: they must pass.
 */
import { describe, expect, it } from 'vitest';
import { runInput } from '../../sim/property.ts';
import { raftSafety } from './raft.ts';

describe('prop/raft/safety regressions (the correct Raft passes)', () => {
  it('issue 15: a term-1 leader elected late, after node 2 won term 2 and committed, is not bound by leader completeness', () => {
    // Node 1's term-1 vote replies are delayed (reorder, one-way cut 2→1) until node 2
    // has won term 2 and committed index 1; the paper's Leader Completeness binds only
    // leaders of terms after the one the entry was committed in.
    const schedule = raftSafety.fromJson({
      servers: 3, seed: 439, loadIntervalMs: 50, loadPerAction: 0, healAtMs: 2000, livenessMs: 10000,
      actions: [
        { at: 0, do: 'cut', from: [2], to: [1] },
        { at: 0, do: 'reorder', on: true },
        { at: 100, do: 'restart', node: 0 },
      ],
    });
    const r = runInput(raftSafety, schedule);
    expect(r.failure?.message ?? null).toBeNull();
    expect(r.passed).toBe(true);
  });
});
