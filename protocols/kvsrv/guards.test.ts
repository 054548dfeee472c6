/**
 * Cases the kvsrv catalog never produces, found by mutation testing
 * (protocols/kvsrv/MUTATION.md): malformed requests, two clients whose
 * Append records point into the same key, the retained-bytes count of the
 * prefix table, and inputs a clerk or server should never get.
 */
import { describe, expect, it } from 'vitest';
import { encodedSize, type Payload, type StepContext, Prng } from '../../sim/contract.ts';
import { kvClerk } from './clerk.ts';
import { kvServer, retainedBytes } from './server.ts';
import { serverSteps } from './testkit.ts';
import { KvAppend, KvGet, KvPut } from './types.ts';

const ctx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };
const empty = { state: new Uint8Array(), snapshot: new Uint8Array() };

const server = () => serverSteps();

describe('kvsrv guards', () => {
  it('refuses every malformed request with a note, and changes nothing', () => {
    const bad: [string, Payload][] = [
      ['KVServer.Delete', { clientId: 1, seq: 1, key: 'k' }],
      ['KVServer.Delete', { clientId: 1, seq: 1, key: 'k', value: 'v' }],
      [KvGet, null],
      [KvGet, 'k'],
      [KvPut, 7],
      [KvGet, { seq: 1, key: 'k' }],
      [KvGet, { clientId: '1', seq: 1, key: 'k' }],
      [KvGet, { clientId: 1, key: 'k' }],
      [KvGet, { clientId: 1, seq: '1', key: 'k' }],
      [KvGet, { clientId: 1, seq: 1 }],
      [KvGet, { clientId: 1, seq: 1, key: 3 }],
      [KvAppend, { clientId: 1, seq: 1, key: 'k' }],
      [KvAppend, { clientId: 1, seq: 1, key: 'k', value: 5 }],
    ];
    for (const [method, args] of bad) {
      const k = server();
      k.put(9, 1, 'k', 'v');
      const before = JSON.stringify([...k.state.store, ...k.state.clients]);
      expect(k.call(method, args), `${method} ${JSON.stringify(args)}`).toBe(null);
      expect(k.outputs.filter((o) => o.kind === 'note').map((o) => (o as { text: string }).text)).toEqual([`refusing ${method}: unknown method or malformed arguments`]);
      expect(JSON.stringify([...k.state.store, ...k.state.clients])).toBe(before);
    }
  });

  it('two clients appending to one key: each retry gets its own old value, also after one moved on and a Put replaced the key', () => {
    const k = server();
    expect(k.append(1, 1, 'k', 'a')).toBe('');
    expect(k.append(2, 1, 'k', 'b')).toBe('a');
    expect(k.append(3, 1, 'k', 'c')).toBe('ab');
    expect([...k.state.prefixHolders.get('k')!]).toEqual([1, 2, 3]);
    expect(k.append(1, 2, 'other', 'z')).toBe(''); // client 1's record moves to another key
    expect([...k.state.prefixHolders.get('k')!]).toEqual([2, 3]);
    k.put(4, 1, 'k', 'new'); // the records into k are copied out first
    expect(k.append(2, 1, 'k', 'b')).toBe('a'); // retries: the first answers, nothing applied again
    expect(k.append(3, 1, 'k', 'c')).toBe('ab');
    expect(k.state.store.get('k')).toBe('new');
  });

  it('counts the prefix table in the retained bytes: its keys, sizes and client ids', () => {
    const k = server();
    k.append(1, 1, 'k', 'a');
    k.append(2, 1, 'k', 'b');
    const store = encodedSize('k') + encodedSize('ab');
    const records = encodedSize(1) + encodedSize({ seq: 1, key: 'k', len: 0 }) + encodedSize(2) + encodedSize({ seq: 1, key: 'k', len: 1 });
    const prefixes = encodedSize('k') + encodedSize(2) + encodedSize(1) + encodedSize(2);
    expect(retainedBytes(k.state)).toBe(store + records + prefixes);
  });

  it('a clerk answers an unknown call with null, ignores a response while idle, and refuses requests and timers quietly', () => {
    let s = kvClerk.init({ clientId: 4 }, empty, ctx).state;
    const r = kvClerk.step(s, { kind: 'call', callId: 3, method: 'delete', args: { key: 'k' } }, ctx);
    expect(r.outputs).toEqual([{ kind: 'note', text: 'unknown call delete' }, { kind: 'return', callId: 3, value: null }]);
    s = r.state;
    expect(s.busy).toBe(false);
    const stray = kvClerk.step(s, { kind: 'response', to: 0, method: KvGet, args: { clientId: 4, seq: 1, key: 'k' }, tag: 3, ok: true, reply: 'v' }, ctx);
    expect(stray.outputs).toEqual([]);
    expect(stray.state).toEqual(s);
    expect(kvClerk.step(s, { kind: 'request', reqId: 8, method: KvGet, args: null }, ctx).outputs).toEqual([{ kind: 'reply', reqId: 8, reply: null }]);
    expect(kvClerk.step(s, { kind: 'timer', name: 'x' }, ctx).outputs).toEqual([]);
  });

  it('a server answers a local call with null and ignores timers', () => {
    const s = kvServer.init(null, empty, ctx).state;
    expect(kvServer.step(s, { kind: 'call', callId: 2, method: 'x', args: null }, ctx).outputs).toEqual([{ kind: 'return', callId: 2, value: null }]);
    expect(kvServer.step(s, { kind: 'timer', name: 'x' }, ctx).outputs).toEqual([]);
  });
});
