/**
 * Known-bug kvsrv servers, each the correct server with its duplicate-detection
 * policy (`ReplyPolicy`) changed in one function, for scenarios that must
 * catch them.
 */
import type { Payload } from '../../sim/node.ts';
import { exactlyOnce, makeKvServer, setClientRecord, type ClientRecord } from '../../protocols/kvsrv/server.ts';

/**
 * No duplicate detection: every request executes, so an Append whose reply
 * was lost is applied again when the clerk retries it (TestUnreliable2,
 * TestUnreliableOneKey2 see a token twice).
 */
export const kvsrvNoDedup = makeKvServer({ ...exactlyOnce, retryReply: () => undefined }, 'kvsrv-no-dedup');

/** A client record that also keeps every earlier reply. */
type RecordWithHistory = ClientRecord & { readonly history: readonly Payload[] };

/**
 * Caches every reply, Gets included, materialised, and never drops one:
 * retries are still answered correctly (the latest record is the correct
 * one), but the memory tests' budgets break (TestMemGet2 keeps the 10 MiB
 * value read twice, TestMemGetManyClients keeps a record per reader,
 * TestMemManyAppends keeps every old value).
 */
export const kvsrvCacheForever = makeKvServer(
  {
    ...exactlyOnce,
    remember(s, op, reply) {
      const prev = s.clients.get(op.clientId) as Partial<RecordWithHistory> | undefined;
      const rec: RecordWithHistory = {
        seq: op.seq,
        ...(typeof reply === 'string' ? { old: reply } : {}),
        history: [...(prev?.history ?? []), reply],
      };
      setClientRecord(s, op.clientId, rec);
    },
  },
  'kvsrv-cache-forever',
);
