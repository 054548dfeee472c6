/** kvsrv end to end on the lossy testkit network: the lab's functional tests in miniature. */
import { describe, expect, it } from 'vitest';
import type { Payload } from '../../sim/contract.ts';
import { KvWorld, runOneKeyAppends, type KvCall } from './testkit.ts';

describe('kvsrv exactly-once', () => {
  it('concurrent appends to one key under 10 % request and 10 % reply loss: each exactly once, in order', () => {
    let retried = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const world = new KvWorld({ seed, unreliable: true });
      expect(runOneKeyAppends(world)).toEqual([]);
      retried += world.rpcCount - 52;
    }
    expect(retried).toBeGreaterThan(10); // the loss did force retries
  });

  it('Get/Put/Append semantics hold with retries, per-client keys, many clients', () => {
    const world = new KvWorld({ seed: 9, unreliable: true });
    const plans = Array.from({ length: 5 }, (_, c) => {
      world.addClerk(c);
      const calls: KvCall[] = [{ method: 'put', args: { key: `k${c}`, value: 'start' } }];
      for (let j = 0; j < 20; j++) {
        calls.push({ method: 'append', args: { key: `k${c}`, value: `.${j}` } });
        calls.push({ method: 'get', args: { key: `k${c}` } });
      }
      calls.push({ method: 'put', args: { key: `k${c}`, value: 'end' } }, { method: 'get', args: { key: `k${c}` } });
      return { clientId: c, calls };
    });
    const values = world.runClients(plans);
    for (const v of values) {
      let expected = 'start';
      const seen: Payload[] = [null];
      const want: Payload[] = [null];
      for (let j = 0; j < 20; j++) {
        seen.push(v[1 + 2 * j], v[2 + 2 * j]);
        want.push(expected, (expected += `.${j}`));
      }
      seen.push(v[41], v[42]);
      want.push(null, 'end');
      expect(seen).toEqual(want);
    }
    expect(world.op(0, 'get', { key: 'absent' })).toBe('');
  });
});
