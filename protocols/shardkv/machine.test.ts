import { describe, expect, it } from 'vitest';
import type { Config } from '../shardctrler/types.ts';
import { applyOp, shardMachine } from './machine.ts';
import { ErrNoKey, ErrWrongGroup, KvGet, KvPutAppend, OK, key2shard, type ShardKvState } from './types.ts';

const config = (num: number, shards: number[]): Config => ({ num, shards, groups: { 100: ['a'], 101: ['b'] } });
const all = (gid: number): number[] => new Array(10).fill(gid);

function replica(gid: number): ShardKvState {
  const s = shardMachine.init();
  s.gid = gid;
  return s;
}

const put = (s: ShardKvState, key: string, value: string, clientId: number, seq: number, op: 'Put' | 'Append' = 'Put') =>
  applyOp(s, { kind: 'client', method: KvPutAppend, args: { clientId, seq, key, value, op } });
const get = (s: ShardKvState, key: string) => applyOp(s, { kind: 'client', method: KvGet, args: { clientId: 9, seq: 1, key } });

describe('the shard machine', () => {
  it('maps keys "0".."9" to shards 8, 9, 0, …, 7, and the empty key to 0', () => {
    expect(['0', '1', '2', '9', ''].map(key2shard)).toEqual([8, 9, 0, 7, 0]);
  });

  it('serves shards gained from gid 0 at once, rejects shards it does not own', () => {
    const s = replica(100);
    expect(get(s, 'k').err).toBe(ErrWrongGroup);
    applyOp(s, { kind: 'config', config: config(1, all(100)) });
    expect(s.shards.every((x) => x.status === 'Serving')).toBe(true);
    expect(get(s, 'k')).toEqual({ err: ErrNoKey, value: '' });
    expect(put(s, 'k', 'v', 1, 1).err).toBe(OK);
    expect(get(s, 'k')).toEqual({ err: OK, value: 'v' });
  });

  it('advances one config at a time, and only once every shard is settled', () => {
    const s = replica(101);
    applyOp(s, { kind: 'config', config: config(1, all(100)) });
    applyOp(s, { kind: 'config', config: config(3, all(101)) });
    expect(s.config.num).toBe(1);
    applyOp(s, { kind: 'config', config: config(2, all(101)) });
    expect(s.shards.every((x) => x.status === 'Pulling')).toBe(true);
    expect(get(s, 'k').err).toBe(ErrWrongGroup);
    applyOp(s, { kind: 'config', config: config(3, all(100)) });
    expect(s.config.num).toBe(2);
  });

  it('installs a pulled shard (data and dedup entries) only while Pulling at that config; then serves it while GCing', () => {
    const s = replica(101);
    applyOp(s, { kind: 'config', config: config(1, all(100)) });
    applyOp(s, { kind: 'config', config: config(2, all(101)) });
    const shard = key2shard('k');
    applyOp(s, { kind: 'install', num: 1, shard, data: [['k', 'old']], lastSeq: [] });
    expect(s.shards[shard]!.status).toBe('Pulling');
    applyOp(s, { kind: 'install', num: 2, shard, data: [['k', 'v']], lastSeq: [[7, 3]] });
    expect(s.shards[shard]!.status).toBe('GCing');
    applyOp(s, { kind: 'install', num: 2, shard, data: [['k', 'again']], lastSeq: [] });
    expect(get(s, 'k')).toEqual({ err: OK, value: 'v' });
    put(s, 'k', 'x', 7, 3, 'Append');
    expect(get(s, 'k').value).toBe('v');
    applyOp(s, { kind: 'gc-done', num: 2, shard });
    expect(s.shards[shard]!.status).toBe('Serving');
  });

  it('keeps a lost shard frozen until the new owner has it deleted', () => {
    const s = replica(100);
    applyOp(s, { kind: 'config', config: config(1, all(100)) });
    put(s, 'k', 'v', 1, 1);
    applyOp(s, { kind: 'config', config: config(2, all(101)) });
    const shard = s.shards[key2shard('k')]!;
    expect(shard.status).toBe('BePulling');
    expect(put(s, 'k', 'w', 1, 2).err).toBe(ErrWrongGroup);
    expect(shard.data.get('k')).toBe('v');
    applyOp(s, { kind: 'delete', num: 2, shard: key2shard('k') });
    expect(shard.status).toBe('Absent');
    expect(shard.data.size).toBe(0);
  });

  it('snapshots and restores every shard, both configs and the dedup table', () => {
    const s = replica(100);
    applyOp(s, { kind: 'config', config: config(1, all(100)) });
    put(s, 'k', 'v', 1, 1);
    const r = shardMachine.restore(shardMachine.snapshot(s));
    expect(r.gid).toBe(100);
    expect(r.config).toEqual(s.config);
    expect(get(r, 'k').value).toBe('v');
    put(r, 'k', 'again', 1, 1);
    expect(get(r, 'k').value).toBe('v');
  });
});
