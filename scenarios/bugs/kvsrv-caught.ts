/**
 * Which kvsrv scenario catches which known-bug server, and on which seed:
 * the table the caught-bug tests assert (each bug fails there, the correct
 * server passes the same seed).
 */
import { KVSRV_SERVER_ROLE } from '../kvsrv/tester.ts';
import { kvsrvCacheForever, kvsrvNoDedup } from './kvsrv.ts';
import type { Catch } from './mapreduce-caught.ts';

export const kvsrvCatches: readonly Catch[] = [
  {
    bug: kvsrvNoDedup,
    role: KVSRV_SERVER_ROLE,
    scenario: 'kvsrv/unreliable',
    seed: 1,
    // A lost reply's retry executes again: the Append's old value already holds its own token.
    message: /new value x \d+ \d+ y in returned values|not linearizable|duplicate element|wrong value/,
  },
  {
    bug: kvsrvNoDedup,
    role: KVSRV_SERVER_ROLE,
    scenario: 'kvsrv/unreliable-one-key',
    seed: 1,
    message: /nv x \d+ \d+ y in returned values|duplicate element|not linearizable/,
  },
  {
    bug: kvsrvCacheForever,
    role: KVSRV_SERVER_ROLE,
    scenario: 'kvsrv/mem-get',
    seed: 1,
    message: /server using too much memory in MemGet: \d+ bytes retained/,
  },
];
