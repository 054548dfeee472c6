/**
 * kvraft as simlab nodes: `kvraftService` (rsm over the KV machine, the
 * tester's role `kvraft-server`), stacked by `kvraftServer(raftDef)` over any
 * lab-3 Raft (role `raft`), and `kvraftClerk` (role `kvraft-clerk`).
 */
import type { NodeDef } from '../../sim/node.ts';
import { stack, type UpperDef } from '../../sim/stack.ts';
import { RAFT_SERVICE, type RaftConfig } from '../raft/api.ts';
import { rsm, type RsmConfig } from '../rsm/index.ts';
import { kvMachine } from './machine.ts';
import type { KvServerConfig } from './types.ts';

export * from './types.ts';
export { kvraftClerk, type KvClerkState } from './clerk.ts';
export { kvMachine } from './machine.ts';

/** The service half of a kvraft server: the rsm layer over the KV machine. */
export const kvraftService: UpperDef<any, RsmConfig> = rsm(kvMachine);

/** One kvraft server process: `service` over a Raft peer of `raftDef`, the only part that persists. */
export function kvraftServer(raftDef: NodeDef<any, RaftConfig>, service: UpperDef<any, RsmConfig> = kvraftService): NodeDef<any, KvServerConfig> {
  return stack({
    name: 'kvraft',
    upper: service,
    children: { raft: { def: raftDef, service: RAFT_SERVICE, persists: true } },
    configure: (c: KvServerConfig) => ({ upper: { me: c.me, maxraftstate: c.maxraftstate }, children: { raft: { me: c.me, peers: c.peers } } }),
  });
}
