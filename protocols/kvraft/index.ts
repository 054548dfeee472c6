/**
 * kvraft as simlab nodes: `kvraftService` (rsm over the KV machine: the
 * tester's role `kvraft-server`, stacked by scenarios/kvraft over any lab-3
 * Raft, role `raft`) and `kvraftClerk` (role `kvraft-clerk`).
 */
import { rsm, type RsmConfig, type ServiceDef } from '../rsm/index.ts';
import { kvMachine } from './machine.ts';

export * from './types.ts';
export { kvraftClerk, type KvClerkState } from './clerk.ts';
export { kvMachine } from './machine.ts';

/** The service half of a kvraft server: the rsm layer over the KV machine. */
export const kvraftService: ServiceDef<any, RsmConfig> = rsm(kvMachine);
