/**
 * The lab's memory tests (spec §4) as budgets on `retainedBytes`. The
 * 100,000-client ones call the server's step function directly.
 */
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../sim/contract.ts';
import { retainedBytes } from './server.ts';
import { KvWorld, MiB, bigValue, manyClientsBytesPerClient, memGetRetainedBytes } from './testkit.ts';

describe('kvsrv memory budgets (retainedBytes)', () => {
  it('MemGet: < 10 MiB after a 10 MiB value was read and replaced (unreliable network)', () => {
    const bytes = memGetRetainedBytes();
    expect(bytes).toBeLessThan(10 * MiB);
    expect(bytes).toBeLessThan(100);
  });

  it('MemPut: < 10 MiB after a 10 MiB Put is overwritten', () => {
    const w = new KvWorld();
    w.addClerk(0);
    w.addClerk(1);
    w.op(0, 'put', { key: 'k', value: bigValue(10 * MiB, 2) });
    w.op(1, 'put', { key: 'k', value: '' });
    expect(retainedBytes(w.serverState)).toBeLessThan(10 * MiB);
  });

  it('MemAppend: ≤ 30 MiB after two clerks append 10 MiB each, old value still owed', () => {
    const w = new KvWorld();
    w.addClerk(0);
    w.addClerk(1);
    const a = bigValue(10 * MiB, 3);
    expect(w.op(0, 'append', { key: 'k', value: a })).toBe('');
    expect(w.op(1, 'append', { key: 'k', value: bigValue(10 * MiB, 4) })).toBe(a);
    const bytes = retainedBytes(w.serverState);
    expect(bytes).toBeLessThanOrEqual(30 * MiB);
    expect(bytes).toBeLessThan(20 * MiB + 100); // the cached old value costs almost nothing
  });

  it('MemPutManyClients: ≤ 200 B per client over 100,000 one-Put clients', () => {
    const perClient = manyClientsBytesPerClient('put');
    expect(perClient).toBeLessThanOrEqual(200);
    expect(perClient).toBeGreaterThan(0); // each client's Put is remembered: it could still be retried
    expect(perClient).toBeLessThan(20);
  });

  it('MemGetManyClients: < 10 B per client over 100,000 one-Get clients', () => {
    expect(manyClientsBytesPerClient('get')).toBe(0);
  });

  it('MemManyAppends: < 3 MB after 1000 appends of 1000 bytes by one clerk', () => {
    const w = new KvWorld();
    w.addClerk(0);
    const v = bigValue(1000, 6);
    let last: Payload = null;
    for (let i = 0; i < 1000; i++) last = w.op(0, 'append', { key: 'k', value: v });
    expect((last as string).length).toBe(999_000);
    const bytes = retainedBytes(w.serverState);
    expect(bytes).toBeLessThan(3_000_000);
    expect(bytes).toBeLessThan(1_000_100);
  });
});
