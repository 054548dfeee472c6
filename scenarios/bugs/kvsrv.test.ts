import { describe, expect, it } from 'vitest';
import { MiB, KvWorld, manyClientsBytesPerClient, memGetRetainedBytes, runOneKeyAppends } from '../../protocols/kvsrv/testkit.ts';
import { kvsrvCacheForever, kvsrvNoDedup } from './kvsrv.ts';

describe('kvsrvNoDedup', () => {
  it('applies a retried append twice under request and reply loss', () => {
    const violations = runOneKeyAppends(new KvWorld({ seed: 1, unreliable: true, server: kvsrvNoDedup }));
    expect(violations.some((v) => v.endsWith('appears twice'))).toBe(true);
    expect(runOneKeyAppends(new KvWorld({ seed: 1, unreliable: true }))).toEqual([]); // same seed, correct server
  });

  it('is still correct on a reliable network (the bug needs retries)', () => {
    expect(runOneKeyAppends(new KvWorld({ seed: 1, server: kvsrvNoDedup }))).toEqual([]);
  });
});

describe('kvsrvCacheForever', () => {
  it('answers correctly under loss but breaks the MemGet budget', () => {
    expect(runOneKeyAppends(new KvWorld({ seed: 1, unreliable: true, server: kvsrvCacheForever }))).toEqual([]);
    expect(memGetRetainedBytes(kvsrvCacheForever)).toBeGreaterThan(10 * MiB);
  });

  it('breaks the MemGetManyClients budget', () => {
    expect(manyClientsBytesPerClient('get', kvsrvCacheForever, 10_000)).toBeGreaterThanOrEqual(10);
  });
});
