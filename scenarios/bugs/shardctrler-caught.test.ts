import { SHARDCTRLER_SERVER_ROLE } from '../shardctrler/config.ts';
import '../shardctrler/index.ts';
import { shardctrlerCatches } from './shardctrler-caught.ts';
import { shardctrlerBugs } from './shardctrler.ts';
import { testServiceZoo } from './service-caught.ts';

testServiceZoo('shard-controller', SHARDCTRLER_SERVER_ROLE, shardctrlerCatches, shardctrlerBugs);
