import { describe, expect, it } from 'vitest';
import { Prng, decode, encode, type Output, type Persisted, type StepContext } from '../../sim/contract.ts';
import { ErrWrongLeader, PENDING_TIMEOUT_US, TICK_TIMER, rsm, type ServiceMachine } from './index.ts';

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

describe('rsm: waiting for the index', () => {
  it('answers ErrWrongLeader when another op commits at the index it waits for', () => {
    const up = rsm(counter);
    const ctx = { nowUs: 0, rng: new Prng(1), fs: undefined } as unknown as StepContext;
    const st = up.init({ me: 0, maxraftstate: -1 }, EMPTY, ctx).state;
    const sent = up.step(st, { kind: 'request', reqId: 9, method: 'Counter.Add', args: { n: 1 } }, ctx).outputs[0] as Extract<Output, { kind: 'send' }>;
    up.step(st, { kind: 'response', to: 'local:raft', method: 'start', args: sent.args, tag: sent.tag, ok: true, reply: { index: 1, term: 1, isLeader: true } }, ctx);
    const other = { op: 1, by: 1, nonce: 42 };
    const r = up.step(st, { kind: 'apply', from: 'raft', msg: { commandValid: true, command: other, commandIndex: 1 }, lowerStateBytes: 0 }, ctx);
    expect(replies(r.outputs)).toEqual([{ err: ErrWrongLeader }]);
    expect(st.machine.total).toBe(1);
  });

  it('gives a pending request up when the term moves on or it waited too long', () => {
    const up = rsm(counter);
    const ctx = { nowUs: 0, rng: new Prng(1), fs: undefined } as { nowUs: number } & StepContext;
    const st = up.init({ me: 0, maxraftstate: -1 }, EMPTY, ctx).state;
    const submit = (reqId: number, index: number) => {
      const sent = up.step(st, { kind: 'request', reqId, method: 'Counter.Add', args: { n: 1 } }, ctx).outputs[0] as Extract<Output, { kind: 'send' }>;
      return up.step(st, { kind: 'response', to: 'local:raft', method: 'start', args: sent.args, tag: sent.tag, ok: true, reply: { index, term: 2, isLeader: true } }, ctx);
    };
    expect(submit(1, 1).outputs.some((o) => o.kind === 'setTimer' && o.name === TICK_TIMER)).toBe(true);
    const tick = up.step(st, { kind: 'timer', name: TICK_TIMER }, ctx).outputs[0] as Extract<Output, { kind: 'send' }>;
    const kept = up.step(st, { kind: 'response', to: 'local:raft', method: 'getState', args: null, tag: tick.tag, ok: true, reply: { term: 2, isLeader: true } }, ctx);
    expect(replies(kept.outputs)).toEqual([]);
    const moved = up.step(st, { kind: 'response', to: 'local:raft', method: 'getState', args: null, tag: tick.tag, ok: true, reply: { term: 3, isLeader: false } }, ctx);
    expect(replies(moved.outputs)).toEqual([{ err: ErrWrongLeader }]);
    submit(2, 2);
    (ctx as { nowUs: number }).nowUs = PENDING_TIMEOUT_US;
    const old = up.step(st, { kind: 'response', to: 'local:raft', method: 'getState', args: null, tag: tick.tag, ok: true, reply: { term: 2, isLeader: true } }, ctx);
    expect(replies(old.outputs)).toEqual([{ err: ErrWrongLeader }]);
  });
});
