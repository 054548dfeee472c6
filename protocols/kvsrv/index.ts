/** kvsrv (6.5840 Lab 2): a single key/value server with exactly-once Put/Append, and its clerk. */
export * from './types.ts';
export {
  kvServer,
  makeKvServer,
  exactlyOnce,
  retainedBytes,
  setClientRecord,
  type KvServerState,
  type ClientRecord,
  type ReplyPolicy,
} from './server.ts';
export { kvClerk, type ClerkState } from './clerk.ts';
export { describeKv, showValue } from './describe.ts';
