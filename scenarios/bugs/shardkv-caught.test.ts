import { SHARDKV_SERVER_ROLE } from '../shardkv/config.ts';
import '../shardkv/index.ts';
import { shardkvCatches } from './shardkv-caught.ts';
import { shardkvBugs } from './shardkv.ts';
import { testServiceZoo } from './service-caught.ts';

testServiceZoo('shardkv', SHARDKV_SERVER_ROLE, shardkvCatches, shardkvBugs);
