/**
 * The controller machine: the history of configs, each a frozen value
 * derived from the one before with immer's `produce` (structural sharing:
 * a Move copies the shard array and shares the groups). Query(n) reads the
 * history back; writes apply once per (clientId, seq).
 */
import { Immer, freeze } from 'immer';
import { decode, encode, type Payload, type Value } from '../../sim/contract.ts';
import type { ServiceMachine } from '../rsm/types.ts';
import { describeCtrler } from './describe.ts';
import { rebalance, type Rebalance } from './rebalance.ts';
import { CtrlerJoin, CtrlerLeave, CtrlerMove, CtrlerQuery, NShards, OK, type Config, type CtrlerOp, type CtrlerReply, type CtrlerState } from './types.ts';

/** A private instance: autoFreeze on (configs are small, and the history must never change). */
const im = new Immer({ autoFreeze: true });

const DONE: CtrlerReply = Object.freeze({ err: OK });

export const CONFIG_ZERO: Config = freeze({ num: 0, shards: new Array<number>(NShards).fill(0), groups: {} }, true);

const METHODS: ReadonlySet<string> = new Set([CtrlerJoin, CtrlerLeave, CtrlerMove, CtrlerQuery]);

export function toOp(method: string, args: Payload): CtrlerOp | undefined {
  return METHODS.has(method) ? ({ method, ...(args as object) } as CtrlerOp) : undefined;
}

const gidsOf = (c: { readonly groups: object }): number[] => Object.keys(c.groups).map(Number);

/** The config a write derives from `prev`. */
export function nextConfig(prev: Config, op: Exclude<CtrlerOp, { method: typeof CtrlerQuery }>, balance: Rebalance): Config {
  return im.produce(prev, (d) => {
    d.num = prev.num + 1;
    if (op.method === CtrlerMove) {
      d.shards[op.shard] = op.gid;
      return;
    }
    if (op.method === CtrlerJoin) for (const [gid, servers] of Object.entries(op.servers)) d.groups[gid] = [...servers];
    else for (const gid of op.gids) delete d.groups[gid];
    d.shards = balance(prev.shards, gidsOf(d));
  });
}

export function applyOp(s: CtrlerState, op: CtrlerOp, balance: Rebalance): CtrlerReply {
  const latest = s.configs.length - 1;
  if (op.method === CtrlerQuery) return { err: OK, config: s.configs[op.num < 0 || op.num > latest ? latest : op.num]! };
  if ((s.lastSeq.get(op.clientId) ?? 0) >= op.seq) return DONE;
  s.lastSeq.set(op.clientId, op.seq);
  s.configs.push(nextConfig(s.configs[latest]!, op, balance));
  return DONE;
}

export function snapshotOf(s: CtrlerState): Uint8Array {
  return encode({ configs: s.configs as unknown as Value[], lastSeq: [...s.lastSeq] });
}

export function restoreFrom(bytes: Uint8Array): CtrlerState {
  const v = decode(bytes) as unknown as { configs: Config[]; lastSeq: [number, number][] };
  return { configs: v.configs.map((c) => freeze(c, true)), lastSeq: new Map(v.lastSeq) };
}

export const initState = (): CtrlerState => ({ configs: [CONFIG_ZERO], lastSeq: new Map() });

/** The controller machine with a given rebalance (the bug zoo swaps it). */
export function ctrlerMachine(balance: Rebalance = rebalance): ServiceMachine<CtrlerState, CtrlerOp, CtrlerReply> {
  return {
    name: 'shardctrler',
    toOp,
    init: initState,
    doOp: (s, op) => applyOp(s, op, balance),
    snapshot: snapshotOf,
    restore: restoreFrom,
    describe: describeCtrler,
  };
}
