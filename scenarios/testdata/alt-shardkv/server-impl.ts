// A second shardkv group service, written independently of protocols/shardkv, as a --impl file:
//   npx simlab sweep 'shardkv/**' --seeds 1..20 --impl shardkv-server=scenarios/testdata/alt-shardkv/server-impl.ts --impl shardkv-clerk=scenarios/testdata/alt-shardkv/clerk-impl.ts
export { shardkvService as default } from './server.ts';
