/**
 * The shardkv bug zoo, and the shard controller's stale local Query,
 * against prop/shardkv/linearizable, at fast-check seed 5: the recorded
 * paths of the shrunk failures (the test shape is zoo-paths.ts;
 * SIMLAB_ZOO_SEARCH=1 repeats the whole searches, about a minute).
 *
 * The other two controller variants (scenarios/bugs/shardctrler.ts) are not
 * found: a rebalance breaking ties in a per-replica map order gave no
 * failure in 1,000 runs of seed 5, and a rebalance that moves more shards
 * than needed is slow, not wrong. The controller scenarios catch all three
 * (scenarios/bugs/shardctrler-caught.ts).
 */
import { SHARDKV_SERVER_ROLE } from '../shardkv/config.ts';
import { shardkvBugs, shardkvDedupNotMigrated, shardkvDeletesEarly, shardkvPollsAhead, shardkvServesPulling } from '../bugs/shardkv.ts';
import { shardctrlerLocalQuery } from '../bugs/shardctrler.ts';
import { SHARDCTRLER_SERVER_ROLE } from '../shardctrler/config.ts';
import { shardkvLinearizable } from './shardkv.ts';
import { testZooPaths, type FoundBug } from './zoo-paths.ts';

const found: readonly FoundBug[] = [
  // Controller restarts, a crash in group 101, then its join over an unreliable network: a retried Append applied by the old owner is applied again by the new one.
  { bug: shardkvDedupNotMigrated, role: SHARDKV_SERVER_ROLE, path: '125:2:3:2:0:5:1:13:11:16:10:3:5:8:9:11:16:3:28', runs: 126, shrinkRuns: 192, kind: 'safety', message: /^history is not linearizable/ },
  // One join: the new owner answers a Get before it has pulled the shard.
  { bug: shardkvServesPulling, role: SHARDKV_SERVER_ROLE, path: '0:0:1:0:1:2:2:2', runs: 1, shrinkRuns: 17, kind: 'safety', message: /^history is not linearizable/ },
  // One join: the new owner pulls a shard the old one has emptied.
  { bug: shardkvDeletesEarly, role: SHARDKV_SERVER_ROLE, path: '4:0:5:3:6:6:6', runs: 5, shrinkRuns: 36, kind: 'safety', message: /^history is not linearizable/ },
  // A join, then a leave while the join's shards still move, over an unreliable network: the config after next is applied and the moves abandoned.
  { bug: shardkvPollsAhead, role: SHARDKV_SERVER_ROLE, path: '289:0:7:4:6:6:11:2:2:6:9:10:21:2:6:6:9:11:13:1:5:5:1:12:9:4:5:12:12:12:13', runs: 290, shrinkRuns: 265, kind: 'safety', message: /^history is not linearizable/ },
  // One controller server isolated from its peers at the start, still answering Queries from its own state: operations stay pending.
  { bug: shardctrlerLocalQuery, role: SHARDCTRLER_SERVER_ROLE, path: '5:0:1:1:1:1:1:1', runs: 6, shrinkRuns: 14, kind: 'liveness', message: /^no progress 10s after healing: pending clerk-\d+ / },
];

testZooPaths(
  'prop/shardkv/linearizable finds every shardkv bug of the zoo, and a controller that answers Query locally',
  shardkvLinearizable,
  5,
  found,
  shardkvBugs,
  SHARDKV_SERVER_ROLE,
);
