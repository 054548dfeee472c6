/**
 * The kvraft clerk, step by step: what the tester never hands it (unknown or
 * overlapping calls, requests, stale replies and timers) and the retry
 * round (each server once, then a pause). Written for the survivors of
 * `npm run mutation -- protocols/kvraft` (protocols/kvraft/MUTATION.md).
 */
import { describe, expect, it } from 'vitest';
import { Prng, type Input, type Output, type StepContext } from '../../sim/contract.ts';
import { kvraftClerk, type KvClerkState } from './clerk.ts';
import { AppendCall, CLERK_RETRY_TIMER, CLERK_ROUND_PAUSE_US, GetCall, KvAppend, KvGet, KvPut, PutCall } from './types.ts';

const ctx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };
const empty = { state: new Uint8Array(), snapshot: new Uint8Array() };

function clerk(servers = 3) {
  let s: KvClerkState = kvraftClerk.init({ clientId: 9, servers }, empty, ctx).state;
  const step = (input: Input): readonly Output[] => {
    const r = kvraftClerk.step(s, input, ctx);
    s = r.state;
    return r.outputs;
  };
  return {
    get state() {
      return s;
    },
    call: (method: string, args: unknown, callId = 1) => step({ kind: 'call', callId, method, args } as Input),
    reply: (to: number, method: string, tag: number, reply: unknown, ok = true) => step({ kind: 'response', to, method, args: null, tag, ok, reply } as Input),
    timer: () => step({ kind: 'timer', name: CLERK_RETRY_TIMER }),
    step,
  };
}

describe('kvraft clerk', () => {
  it('refuses an unknown call, a call while one is outstanding, and any request', () => {
    expect(() => clerk().call('delete', { key: 'k' })).toThrow('kvraft clerk: unknown call delete');
    const c = clerk();
    c.call(GetCall, { key: 'k' });
    expect(() => c.call(PutCall, { key: 'k', value: 'v' }, 2)).toThrow('kvraft clerk 9: "put" while an operation is outstanding');
    expect(() => clerk().step({ kind: 'request', reqId: 1, method: 'x', args: null })).toThrow('kvraft clerk: unexpected request x');
  });

  it('returns a Get value ("" for ErrNoKey) and null for Put and Append', () => {
    const c = clerk();
    expect(c.call(GetCall, { key: 'k' })).toEqual([{ kind: 'send', to: 0, method: KvGet, args: { clientId: 9, seq: 1, key: 'k' }, tag: 1 }]);
    expect(c.reply(0, KvGet, 1, { err: 'OK', value: 'v' })).toEqual([{ kind: 'return', callId: 1, value: 'v' }]);
    c.call(GetCall, { key: 'x' }, 2);
    expect(c.reply(0, KvGet, 2, { err: 'ErrNoKey', value: '' })).toEqual([{ kind: 'return', callId: 2, value: '' }]);
    c.call(PutCall, { key: 'k', value: 'v' }, 3);
    expect(c.reply(0, KvPut, 3, { err: 'OK', value: 'ignored' })).toEqual([{ kind: 'return', callId: 3, value: null }]);
    c.call(AppendCall, { key: 'k', value: 'w' }, 4);
    expect(c.reply(0, KvAppend, 4, { err: 'OK' })).toEqual([{ kind: 'return', callId: 4, value: null }]);
  });

  it('ignores a reply to an earlier operation and a reply or timer while idle', () => {
    const c = clerk();
    expect(c.reply(0, KvGet, 1, { err: 'OK', value: 'v' })).toEqual([]); // idle
    expect(c.timer()).toEqual([]);
    c.call(GetCall, { key: 'k' });
    c.reply(0, KvGet, 1, { err: 'OK', value: 'v' });
    expect(c.reply(1, KvGet, 1, { err: 'OK', value: 'v' })).toEqual([]); // a duplicate reply to the finished seq 1
    c.call(GetCall, { key: 'k' }, 2); // seq 2
    expect(c.reply(0, KvGet, 1, { err: 'OK', value: 'old' })).toEqual([]); // seq 1's late duplicate
    expect(c.reply(0, KvGet, 2, { err: 'OK', value: 'new' })).toEqual([{ kind: 'return', callId: 2, value: 'new' }]);
  });

  it('tries each server once per round, then pauses before the next round, and keeps the leader that answered', () => {
    const c = clerk(3);
    c.call(PutCall, { key: 'k', value: 'v' });
    const args = { clientId: 9, seq: 1, key: 'k', value: 'v' };
    expect(c.reply(0, KvPut, 1, { err: 'ErrWrongLeader' })).toEqual([{ kind: 'send', to: 1, method: KvPut, args, tag: 1 }]);
    expect(c.reply(1, KvPut, 1, undefined, false)).toEqual([{ kind: 'send', to: 2, method: KvPut, args, tag: 1 }]);
    expect(c.reply(2, KvPut, 1, { err: 'ErrTimeout' })).toEqual([{ kind: 'setTimer', name: CLERK_RETRY_TIMER, afterUs: CLERK_ROUND_PAUSE_US }]);
    expect(c.timer()).toEqual([{ kind: 'send', to: 0, method: KvPut, args, tag: 1 }]);
    expect(c.reply(0, KvPut, 1, { err: 'ErrWrongLeader' })).toEqual([{ kind: 'send', to: 1, method: KvPut, args, tag: 1 }]); // a new round
    c.reply(1, KvPut, 1, { err: 'OK' });
    expect(c.state.leader).toBe(1);
    expect(c.call(GetCall, { key: 'k' }, 2)[0]).toMatchObject({ to: 1 });
  });
});
