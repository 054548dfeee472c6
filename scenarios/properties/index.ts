/**
 * Registers the properties (fault-schedule runs checked by fast-check):
 * prop/raft/safety (3 servers), prop/raft/safety-5, prop/kvraft/linearizable and prop/shardkv/linearizable.
 */
import './raft.ts';
import './kvraft.ts';
import './shardkv.ts';
