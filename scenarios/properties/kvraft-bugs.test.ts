/**
 * The kvraft bug zoo against prop/kvraft/linearizable, at fast-check seed 5:
 * the recorded paths of the shrunk failures (the test shape is zoo-paths.ts;
 * SIMLAB_ZOO_SEARCH=1 repeats the whole searches, minutes).
 */
import { KVRAFT_SERVER_ROLE } from '../kvraft/config.ts';
import { kvraftNeverSnapshots, kvraftRestartForgetsDedup, kvraftSnapshotWithoutDedup, kvraftStaleRead, kvraftUncheckedIndex, kvraftBugs } from '../bugs/kvraft.ts';
import { kvraftLinearizable } from './kvraft.ts';
import { testZooPaths, type FoundBug } from './zoo-paths.ts';

const found: readonly FoundBug[] = [
  { bug: kvraftNeverSnapshots, role: KVRAFT_SERVER_ROLE, path: '1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0', runs: 2, shrinkRuns: 19, kind: 'assertion', message: /^logs were not trimmed/ },
  // One crash of the leader: its successor reads from a state machine that has not applied everything committed yet.
  { bug: kvraftStaleRead, role: KVRAFT_SERVER_ROLE, path: '1:0:0:0:0:1:0:0:0:0:0:0:0:0:0:1:4:5:4:4:8:9:0:4:4:4:4:4:4:4', runs: 2, shrinkRuns: 97, kind: 'safety', message: /^history is not linearizable/ },
  { bug: kvraftSnapshotWithoutDedup, role: KVRAFT_SERVER_ROLE, path: '27:2:1:1:2:2:2:3:10:10:10:10:10:10:10:10:10:11:15:7:11:5:6:11:11:11', runs: 28, shrinkRuns: 227, kind: 'safety', message: /^history is not linearizable/ },
  // Two isolations of the leader: a deposed leader's waiting Append is answered by the op its successor committed at that index.
  { bug: kvraftUncheckedIndex, role: KVRAFT_SERVER_ROLE, path: '168:3:6:6:1:0:0:0:0:0:0:2:11:12:11:19:19:19:19:19:19:19:19', runs: 169, shrinkRuns: 245, kind: 'safety', message: /^history is not linearizable/ },
  { bug: kvraftRestartForgetsDedup, role: KVRAFT_SERVER_ROLE, path: '33:0:1:0:0:0:0:0:0:12:12:16:16:16:16:8:10:10:10', runs: 34, shrinkRuns: 155, kind: 'safety', message: /^history is not linearizable/ },
];

testZooPaths('prop/kvraft/linearizable finds every kvraft bug of the zoo', kvraftLinearizable, 5, found, kvraftBugs, KVRAFT_SERVER_ROLE);
