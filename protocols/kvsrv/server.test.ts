import { describe, expect, it } from 'vitest';
import { describeKv } from './describe.ts';
import { retainedBytes } from './server.ts';
import { serverSteps } from './testkit.ts';
import { KvAppend, KvGet, KvPut } from './types.ts';

const server = () => serverSteps();

describe('kvsrv server', () => {
  it('gets "" for a missing key, puts, and appends returning the old value', () => {
    const k = server();
    expect(k.get(1, 1, 'x')).toBe('');
    expect(k.put(1, 2, 'x', 'ab')).toBe(null);
    expect(k.append(1, 3, 'x', 'cd')).toBe('ab');
    expect(k.append(2, 1, 'y', 'z')).toBe('');
    expect(k.get(2, 2, 'x')).toBe('abcd');
    expect(k.get(2, 3, 'y')).toBe('z');
  });

  it('answers a retried Append with its first answer and applies it once', () => {
    const k = server();
    k.append(1, 1, 'k', 'A');
    expect(k.append(2, 1, 'k', 'B')).toBe('A');
    k.append(1, 2, 'k', 'C'); // another client's append in between
    expect(k.append(2, 1, 'k', 'B')).toBe('A'); // retry of client 2's seq 1
    expect(k.get(3, 1, 'k')).toBe('ABC');
  });

  it('still answers a retried Append correctly after a Put replaced the key', () => {
    const k = server();
    k.put(9, 1, 'k', 'hello');
    expect(k.append(1, 1, 'k', ' world')).toBe('hello');
    expect(k.state.clients.get(1)).toEqual({ seq: 1, key: 'k', len: 5 }); // a prefix, not a copy
    k.put(2, 1, 'k', 'new');
    expect(k.state.clients.get(1)).toEqual({ seq: 1, old: 'hello' }); // materialised before the Put
    expect(k.state.prefixHolders.size).toBe(0);
    expect(k.append(1, 1, 'k', ' world')).toBe('hello');
    expect(k.get(3, 1, 'k')).toBe('new');
  });

  it('does not re-execute a retried Put over a later Put of another client', () => {
    const k = server();
    k.put(1, 1, 'k', 'one');
    k.put(2, 1, 'k', 'two');
    expect(k.put(1, 1, 'k', 'one')).toBe(null);
    expect(k.get(3, 1, 'k')).toBe('two');
  });

  it('answers stale requests without executing them', () => {
    const k = server();
    k.append(1, 1, 'k', 'a');
    k.append(1, 2, 'k', 'b');
    expect(k.append(1, 1, 'k', 'a')).toBe('');
    expect(k.put(1, 1, 'k', 'zzz')).toBe(null);
    expect(k.get(2, 1, 'k')).toBe('ab');
  });

  it('keeps one record per writing client, none per reader, and prefix holders in step', () => {
    const k = server();
    for (let i = 0; i < 50; i++) k.append(1, i + 1, i % 2 ? 'a' : 'b', 'x');
    for (let c = 10; c < 60; c++) k.get(c, 1, 'a');
    expect([...k.state.clients.keys()]).toEqual([1]);
    expect([...k.state.prefixHolders].map(([key, ids]) => [key, [...ids]])).toEqual([['a', [1]]]);
    const before = retainedBytes(k.state);
    for (let c = 100; c < 200; c++) k.get(c, 7, 'b');
    expect(retainedBytes(k.state)).toBe(before);
  });

  it('refuses malformed requests without changing anything', () => {
    const k = server();
    expect(k.call(KvPut, { clientId: 1, seq: 1, key: 'k' })).toBe(null);
    expect(k.call('KVServer.Delete', { clientId: 1, seq: 1, key: 'k' })).toBe(null);
    expect(k.state.store.size + k.state.clients.size).toBe(0);
  });

  it('measures retained bytes as encodedSize over entries', () => {
    const k = server();
    k.put(1, 1, 'k', 'abc'); // store: "k"(3) + "abc"(5); record: 1(2) + {seq:1}(1+1+4+2=8)
    expect(retainedBytes(k.state)).toBe(3 + 5 + 2 + 8);
  });
});

describe('describeKv', () => {
  it('renders requests and replies on one line, cutting long values', () => {
    expect(describeKv(KvGet, { clientId: 3, seq: 7, key: 'k' }, false)).toBe('kv/Get c3#7 "k"');
    expect(describeKv(KvAppend, { clientId: 3, seq: 8, key: 'k', value: 'x 3 1 y' }, false)).toBe('kv/Append c3#8 "k" "x 3 1 y"');
    expect(describeKv(KvPut, null, true)).toBe('kv/Put → ok');
    expect(describeKv(KvGet, 'v'.repeat(30), true)).toBe(`kv/Get → "${'v'.repeat(24)}"…(30 chars)`);
  });
});
