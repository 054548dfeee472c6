import { describe, expect, it } from 'vitest';
import { NShards, type Config } from '../shardctrler/types.ts';
import { IllegalShardTransition, stepShard } from './lifecycle.ts';
import { doOp, initialState, restoreFrom, servesShard, shardData, snapshotOf } from './machine.ts';
import { ErrNotReady, ErrWrongGroup, OK, key2shard, type ShardMachineState } from './types.ts';

const A = 100;
const B = 101;

function config(num: number, owner: (shard: number) => number): Config {
  return { num, shards: Array.from({ length: NShards }, (_, s) => owner(s)), groups: { [A]: ['server-100-0'], [B]: ['server-101-0'] } };
}
const allA = config(1, () => A);
/** Config 2: shards 0–4 move to B. */
const split = config(2, (s) => (s < 5 ? B : A));

const put = (key: string, value: string, clientId = 1, seq = 1) => ({ type: 'put' as const, clientId, seq, key, value });
const append = (key: string, value: string, clientId = 1, seq = 1) => ({ type: 'append' as const, clientId, seq, key, value });
const get = (key: string) => ({ type: 'get' as const, clientId: 9, seq: 1, key });

/** "2" is shard 0, "7" is shard 5. */
const SHARD0_KEY = '2';
const SHARD5_KEY = '7';

function groupAt1(gid: number): ShardMachineState {
  const s = initialState(gid);
  doOp(s, { type: 'config', config: allA });
  return s;
}

describe('shardkv machine', () => {
  it('maps keys to shards by their first byte mod 10', () => {
    expect(['0', '1', '2', '9', '', '10', '25'].map(key2shard)).toEqual([8, 9, 0, 7, 0, 9, 0]);
  });

  it('serves the shards of its first config at once (they had no owner) and rejects the rest', () => {
    const a = groupAt1(A);
    expect(a.status.every((x) => x === 'Serving')).toBe(true);
    const b = groupAt1(B);
    expect(doOp(b, get(SHARD0_KEY))).toEqual({ err: ErrWrongGroup });
  });

  it('applies a write once per (client, seq)', () => {
    const a = groupAt1(A);
    doOp(a, append(SHARD0_KEY, 'x', 1, 1));
    doOp(a, append(SHARD0_KEY, 'x', 1, 1));
    doOp(a, append(SHARD0_KEY, 'y', 1, 2));
    expect(doOp(a, get(SHARD0_KEY))).toEqual({ err: OK, value: 'xy' });
  });

  it('hands a shard over: BePulling freezes it, the new owner installs data and dedup, then both finish the GC', () => {
    const a = groupAt1(A);
    const b = groupAt1(B);
    doOp(a, put(SHARD0_KEY, 'v', 1, 1));
    doOp(a, { type: 'config', config: split });
    doOp(b, { type: 'config', config: split });
    expect(a.status.slice(0, 5)).toEqual(new Array(5).fill('BePulling'));
    expect(b.status.slice(0, 5)).toEqual(new Array(5).fill('Pulling'));
    expect(doOp(a, put(SHARD0_KEY, 'late', 1, 2))).toEqual({ err: ErrWrongGroup });
    expect(doOp(b, get(SHARD0_KEY))).toEqual({ err: ErrWrongGroup });
    expect(servesShard(a, 5)).toBe(true);

    const data = shardData(a, 2, [0, 1, 2, 3, 4])!;
    doOp(b, { type: 'install', num: 2, ...data });
    expect(b.status[0]).toBe('GCing');
    expect(doOp(b, get(SHARD0_KEY))).toEqual({ err: OK, value: 'v' });
    doOp(b, put(SHARD0_KEY, 'again', 1, 1));
    expect(doOp(b, get(SHARD0_KEY))).toEqual({ err: OK, value: 'v' });

    expect(doOp(a, { type: 'delete', num: 2, shards: [0, 1, 2, 3, 4] })).toEqual({ err: OK });
    expect(a.status[0]).toBe('Absent');
    expect(a.stores[0]!.size).toBe(0);
    doOp(b, { type: 'deleted', num: 2, shards: [0, 1, 2, 3, 4] });
    expect(b.status.slice(0, 5)).toEqual(new Array(5).fill('Serving'));
  });

  it('applies a config only when it is the next one and every shard is settled', () => {
    const b = groupAt1(B);
    doOp(b, { type: 'config', config: split });
    doOp(b, { type: 'config', config: config(3, () => B) });
    expect(b.config.num).toBe(2);
    doOp(b, { type: 'config', config: config(4, () => B) });
    expect(b.config.num).toBe(2);
  });

  it('answers a pull and a delete only in the config they are for', () => {
    const a = groupAt1(A);
    expect(shardData(a, 2, [0])).toBeUndefined();
    expect(doOp(a, { type: 'delete', num: 2, shards: [0] })).toEqual({ err: ErrNotReady });
    doOp(a, { type: 'config', config: split });
    expect(shardData(a, 2, [5])).toBeUndefined();
  });

  it('restores what it snapshotted', () => {
    const a = groupAt1(A);
    doOp(a, put(SHARD5_KEY, 'z', 3, 4));
    doOp(a, { type: 'config', config: split });
    const back = restoreFrom(snapshotOf(a));
    expect(back.status).toEqual(a.status);
    expect(back.config).toEqual(a.config);
    expect(back.prev).toEqual(a.prev);
    expect(back.lastSeq).toEqual(a.lastSeq);
    expect(doOp(back, get(SHARD5_KEY))).toEqual({ err: OK, value: 'z' });
  });
});

describe('shard lifecycle', () => {
  it('follows the chart and refuses what it does not allow', () => {
    expect(stepShard('Absent', 'GAIN')).toBe('Pulling');
    expect(stepShard('Pulling', 'INSTALL')).toBe('GCing');
    expect(stepShard('GCing', 'DELETED')).toBe('Serving');
    expect(stepShard('Serving', 'LOSE')).toBe('BePulling');
    expect(stepShard('BePulling', 'DELETE')).toBe('Absent');
    expect(() => stepShard('Pulling', 'LOSE')).toThrow(IllegalShardTransition);
    expect(() => stepShard('Serving', 'INSTALL')).toThrow(IllegalShardTransition);
  });
});
