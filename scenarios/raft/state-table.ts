/**
 * The table a failing Raft lab test prints: every server as the tester sees
 * it at the moment of failure — its term and role as GetState reports them,
 * the last index its applies reached, the bytes of Raft state it persisted
 * (the tester's view of its log), whether it is connected or crashed, the
 * RPCs it sent since it last started, and the RPCs that reached it
 * (labrpc's per-server count).
 */
import { table } from '../../sim/table.ts';

/** What the table reads from the tester (RaftTester has these). */
export interface RaftTesterView {
  readonly n: number;
  readonly connected: readonly boolean[];
  raft(i: number): unknown;
  getState(i: number): { term: number; isLeader: boolean };
  lastAppliedIndex(i: number): number;
  persistedBytes(i: number): number;
  rpcCount(i: number): number;
  rpcsSent(i: number): number;
}

function stateOf(c: RaftTesterView, i: number): [string, string] {
  if (c.raft(i) === null) return ['-', 'crashed'];
  try {
    const s = c.getState(i);
    return [String(s.term), s.isLeader ? 'leader' : 'follower'];
  } catch (e) {
    return ['?', `GetState failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 60)];
  }
}

/** The lines of the table, headed by what it is. */
export function raftStateTable(c: RaftTesterView): string[] {
  const rows: string[][] = [];
  for (let i = 0; i < c.n; i++) {
    const [term, role] = stateOf(c, i);
    const network = c.raft(i) === null ? 'down' : c.connected[i] ? 'connected' : 'disconnected';
    rows.push([String(i), term, role, String(c.lastAppliedIndex(i)), String(c.persistedBytes(i)), network, String(c.rpcsSent(i)), String(c.rpcCount(i))]);
  }
  return ['servers at the failure (as the tester sees them):', ...table(['server', 'term', 'role', 'applied', 'persisted bytes', 'network', 'RPCs sent', 'RPCs in'], rows, [1, 3, 4, 6, 7])];
}
