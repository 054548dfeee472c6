// The correct Raft with every fact output filtered out (a Raft that knows no fact vocabulary), as a --impl file:
//   npx simlab sweep 'raft/**' --seeds 1..50 --impl raft=scenarios/testdata/factless-raft.ts
import { raft } from '../../protocols/raft/index.ts';
import { factless } from './factless.ts';

export default factless(raft);
