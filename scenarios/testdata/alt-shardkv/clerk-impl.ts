// A second shardkv clerk (the upper node over a controller clerk), written independently of protocols/shardkv, as a --impl file (see server-impl.ts).
export { shardkvClerk as default } from './clerk.ts';
