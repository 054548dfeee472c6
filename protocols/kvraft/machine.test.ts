/** The KV machine's op parsing and Get of a missing key (survivors of `npm run mutation -- protocols/kvraft`). */
import { describe, expect, it } from 'vitest';
import { doOp, restoreFrom, snapshotOf, toOp } from './machine.ts';
import { ErrNoKey, KvAppend, KvGet, KvPut, OK } from './types.ts';

describe('kvraft machine', () => {
  it('takes only Get, Put and Append', () => {
    expect(toOp('KVServer.Delete', { clientId: 1, seq: 1, key: 'k', value: 'v' })).toBeUndefined();
    expect(toOp(KvGet, { clientId: 1, seq: 1, key: 'k' })).toEqual({ method: KvGet, clientId: 1, seq: 1, key: 'k' });
    expect(toOp(KvAppend, { clientId: 1, seq: 2, key: 'k', value: 'v' })).toEqual({ method: KvAppend, clientId: 1, seq: 2, key: 'k', value: 'v' });
  });

  it('answers a Get of a missing key with ErrNoKey and "", applies each write once, and snapshots what it holds', () => {
    const s = restoreFrom(snapshotOf({ store: new Map(), lastSeq: new Map(), pairs: new Map() }));
    expect(doOp(s, { method: KvGet, clientId: 1, seq: 1, key: 'k' })).toEqual({ err: ErrNoKey, value: '' });
    expect(doOp(s, { method: KvPut, clientId: 1, seq: 2, key: 'k', value: 'a' })).toEqual({ err: OK });
    expect(doOp(s, { method: KvAppend, clientId: 1, seq: 3, key: 'k', value: 'b' })).toEqual({ err: OK });
    expect(doOp(s, { method: KvAppend, clientId: 1, seq: 3, key: 'k', value: 'b' })).toEqual({ err: OK }); // a duplicate
    expect(doOp(s, { method: KvGet, clientId: 2, seq: 1, key: 'k' })).toEqual({ err: OK, value: 'ab' });
    const back = restoreFrom(snapshotOf(s));
    expect([...back.store, ...back.lastSeq]).toEqual([['k', 'ab'], [1, 3]]);
  });
});
