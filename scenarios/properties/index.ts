/**
 * Registers the properties (fault-schedule runs checked by fast-check):
 * prop/raft/safety (3 servers) and prop/raft/safety-5.
 */
import './raft.ts';
