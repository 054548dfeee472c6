// A bug-zoo Raft as a --impl file, for the CLI tests: votes without the up-to-date log check.
import { raftNoElectionRestriction } from '../../bugs/raft.ts';

export default raftNoElectionRestriction.node;
