/**
 * The Raft lab's tests (6.5840 lab 3, parts A–D) as scenarios, registered on
 * import: raft/3A/* … raft/3D/*.
 */
import { defineRole } from '../../sim/scenario.ts';
import './3a.ts';
import './3b.ts';
import './3c.ts';
import './3d.ts';

defineRole('raft', 'a Raft server (scenarios/raft/config.ts, scenarios/faults/raft.ts)');
