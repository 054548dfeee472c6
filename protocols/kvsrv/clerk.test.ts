import { describe, expect, it } from 'vitest';
import { type StepContext, Prng } from '../../sim/contract.ts';
import { kvClerk } from './clerk.ts';
import { KvAppend, KvGet, KvPut } from './types.ts';

const ctx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };
const init = () => kvClerk.init({ clientId: 4 }, { state: new Uint8Array(), snapshot: new Uint8Array() }, ctx).state;

describe('kvsrv clerk', () => {
  it('sends one RPC per call with a fresh seq, retries the same request on failure, returns on success', () => {
    let s = init();
    let r = kvClerk.step(s, { kind: 'call', callId: 11, method: 'append', args: { key: 'k', value: 'v' } }, ctx);
    const sent = { kind: 'send', to: 0, method: KvAppend, args: { clientId: 4, seq: 1, key: 'k', value: 'v' }, tag: 11 };
    expect(r.outputs).toEqual([sent]);
    s = r.state;
    r = kvClerk.step(s, { kind: 'response', to: 0, method: KvAppend, args: sent.args, tag: 11, ok: false, reply: undefined }, ctx);
    expect(r.outputs).toEqual([sent]);
    s = r.state;
    r = kvClerk.step(s, { kind: 'response', to: 0, method: KvAppend, args: sent.args, tag: 11, ok: true, reply: 'old' }, ctx);
    expect(r.outputs).toEqual([{ kind: 'return', callId: 11, value: 'old' }]);
    s = r.state;
    r = kvClerk.step(s, { kind: 'call', callId: 12, method: 'get', args: { key: 'k' } }, ctx);
    expect(r.outputs).toEqual([{ kind: 'send', to: 0, method: KvGet, args: { clientId: 4, seq: 2, key: 'k' }, tag: 12 }]);
    s = r.state;
    expect(s).toEqual({ clientId: 4, seq: 2, busy: true });
  });

  it('returns null for Put and refuses overlapping calls', () => {
    let s = init();
    let r = kvClerk.step(s, { kind: 'call', callId: 1, method: 'put', args: { key: 'k', value: 'v' } }, ctx);
    s = r.state;
    expect(() => kvClerk.step(s, { kind: 'call', callId: 2, method: 'get', args: { key: 'k' } }, ctx)).toThrow(/outstanding/);
    r = kvClerk.step(s, { kind: 'response', to: 0, method: KvPut, args: null, tag: 1, ok: true, reply: null }, ctx);
    expect(r.outputs).toEqual([{ kind: 'return', callId: 1, value: null }]);
  });
});
