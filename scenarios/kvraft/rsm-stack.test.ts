/**
 * protocols/rsm over the real Raft through sim/stack: one-peer clusters, so a
 * Start commits in the step that makes it.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../sim/codec.ts';
import type { Output, Persisted, StepContext } from '../../sim/node.ts';
import { Prng } from '../../sim/prng.ts';
import { stack } from '../../sim/stack.ts';
import { raft } from '../../protocols/raft/index.ts';
import { ErrWrongLeader, decodeSnapshot, rsm, type ServiceMachine } from '../../protocols/rsm/index.ts';

/** A counter: "Counter.Add" { n } adds n and answers the new total. */
const counter: ServiceMachine<{ total: number }, number, { total: number }> = {
  name: 'counter',
  toOp: (method, args) => (method === 'Counter.Add' ? (args as { n: number }).n : undefined),
  init: () => ({ total: 0 }),
  doOp: (s, n) => {
    s.total += n;
    return { total: s.total };
  },
  snapshot: (s) => encode(s.total),
  restore: (bytes) => ({ total: decode(bytes) as number }),
};

const EMPTY: Persisted = { state: new Uint8Array(0), snapshot: new Uint8Array(0) };

const replies = (outs: readonly Output[]) => outs.filter((o) => o.kind === 'reply').map((o) => (o as { reply: unknown }).reply);

function server(maxraftstate: number, peers = 1) {
  const def = stack({
    name: 'counter',
    upper: rsm(counter),
    children: { raft: { def: raft, service: 'Raft.', persists: true } },
    configure: (c: { me: number }) => ({ upper: { me: c.me, maxraftstate }, children: { raft: { me: c.me, peers } } }),
  });
  const ctx = { nowUs: 0, rng: new Prng(7), fs: undefined } as unknown as StepContext & { nowUs: number };
  return { def, ctx };
}

describe('rsm over the real Raft (sim/stack)', () => {
  it('answers a request once its entry commits, and ErrWrongLeader before an election', () => {
    const { def, ctx } = server(-1);
    const first = def.init({ me: 0 }, EMPTY, ctx);
    const early = def.step(first.state, { kind: 'request', reqId: 1, method: 'Counter.Add', args: { n: 2 } }, ctx);
    expect(replies(early.outputs)).toEqual([{ err: ErrWrongLeader }]);
    def.step(first.state, { kind: 'timer', name: 'raft/election' }, ctx);
    const r = def.step(first.state, { kind: 'request', reqId: 2, method: 'Counter.Add', args: { n: 5 } }, ctx);
    expect(replies(r.outputs)).toEqual([{ total: 5 }]);
    expect(r.outputs.some((o) => o.kind === 'persist' && o.snapshot.length > 0)).toBe(false);
  });

  it('snapshots from inside the apply once Raft state reaches maxraftstate, and restores from it on init', () => {
    const { def, ctx } = server(1);
    const first = def.init({ me: 0 }, EMPTY, ctx);
    def.step(first.state, { kind: 'timer', name: 'raft/election' }, ctx);
    const r = def.step(first.state, { kind: 'request', reqId: 1, method: 'Counter.Add', args: { n: 3 } }, ctx);
    const persists = r.outputs.filter((o) => o.kind === 'persist');
    const last = persists[persists.length - 1] as Extract<Output, { kind: 'persist' }>;
    expect(last.snapshot.length).toBeGreaterThan(0);
    expect(decodeSnapshot(last.snapshot).index).toBe(1);
    const again = def.init({ me: 0 }, { state: last.state as Uint8Array, snapshot: last.snapshot }, ctx);
    expect((again.state.upper as { machine: { total: number }; lastApplied: number }).machine.total).toBe(3);
    expect((again.state.upper as { lastApplied: number }).lastApplied).toBe(1);
  });

});
