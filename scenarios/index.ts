/**
 * Imports every scenario module so that each registers itself. The CLI
 * entry and the tests import this one file.
 */
import './demo.ts';
import './raft/index.ts';
import './mr/index.ts';
import './kvsrv/index.ts';
import './kvraft/index.ts';
import './shardctrler/index.ts';
import './shardkv/index.ts';
import './properties/index.ts';
import './mrx/index.ts';
