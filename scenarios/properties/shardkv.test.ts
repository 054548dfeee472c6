import { describe, expect, it } from 'vitest';
import { runInput } from '../../sim/property.ts';
import { rsm } from '../../protocols/rsm/index.ts';
import { applyOp, shardMachine, shardkvServerOver } from '../../protocols/shardkv/index.ts';
import { SHARDKV_SERVER_ROLE } from '../shardkv/config.ts';
import type { ShardSchedule } from '../shardkv/faults.ts';
import { shardkvLinearizable } from './shardkv.ts';

const joinAt0: ShardSchedule = { seed: 1, actions: [{ at: 0, do: 'join', group: 1 }], healAtMs: 500, livenessMs: 2000 };

/** 100 holds all 10 shards; 101 and 102 join (the second join breaks a 5–5 tie), then the controller leader is isolated and later restarted. */
const leaderChanges: ShardSchedule = {
  seed: 2,
  actions: [
    { at: 0, do: 'join', group: 1 },
    { at: 300, do: 'join', group: 2 },
    { at: 800, do: 'ctrler-isolate-leader' },
    { at: 1600, do: 'ctrler-restart-leader' },
  ],
  healAtMs: 2100,
  livenessMs: 5000,
};

/** A service that never installs a pulled shard: the shards 101 gains stay Pulling. */
const neverInstalls = shardkvServerOver(rsm({ ...shardMachine, doOp: (s, op) => (op.kind === 'install' ? { err: 'OK' } : applyOp(s, op)) }));

describe('prop/shardkv/linearizable', () => {
  it('passes a join with the correct service', () => {
    expect(runInput(shardkvLinearizable, joinAt0).failure).toBeUndefined();
  });

  it('names the stuck shard, its owner and the config when an operation stays pending after healing', () => {
    const r = runInput(shardkvLinearizable, joinAt0, { impl: { [SHARDKV_SERVER_ROLE]: neverInstalls } });
    expect(r.failure?.kind).toBe('liveness');
    expect(r.failure?.message).toMatch(/^no progress 2s after healing: pending clerk-\d+ \w+\(\d\) since [\d.]+s on shard \d \(key "\d"\), owned by 101 in config 2/);
  });

  it('passes joins that make the rebalance break ties, then controller leader changes, with the correct service', () => {
    const r = runInput(shardkvLinearizable, leaderChanges);
    expect(r.failure).toBeUndefined();
    expect(r.log.filter((l) => /the controller leader.* \(ctlr-\d\)$/.test(l))).toHaveLength(2);
  });

  it('reads schedules back from JSON, with a one-line error for a bad action', () => {
    expect(shardkvLinearizable.fromJson(JSON.parse(JSON.stringify(joinAt0)))).toEqual(joinAt0);
    expect(shardkvLinearizable.fromJson(JSON.parse(JSON.stringify(leaderChanges)))).toEqual(leaderChanges);
    expect(() => shardkvLinearizable.fromJson({ ...joinAt0, actions: [{ at: 0, do: 'move', shard: 10, group: 0 }] })).toThrow(/^action 0: "shard" must be 0..9$/);
    expect(() => shardkvLinearizable.fromJson({ ...joinAt0, actions: [{ at: 0, do: 'explode' }] })).toThrow(/^action 0: "do" must be one of /);
  });
});
