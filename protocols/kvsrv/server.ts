/**
 * The kvsrv server. Duplicate detection keeps, per client, only its latest
 * Put or Append (a client has one operation outstanding, so a request with a
 * higher seq acknowledges every earlier answer):
 *
 *  - a Put's retry needs no stored answer (null), only the seq;
 *  - an Append's retry needs the old value. While the key is only appended
 *    to, that old value is a prefix of the current value, so the record is
 *    just (key, length). Before a Put replaces the key, the records that point
 *    into it are materialised (the prefix copied out), the only case where an
 *    old value costs its own bytes;
 *  - Gets execute every time and leave nothing behind: re-reading is always a
 *    valid answer to an operation that is still outstanding.
 *
 * Hence the memory budgets of the lab's tests, measured by `retainedBytes`:
 * one 10 MiB value is held once, 100,000 one-Put clients cost ~10 B each, Gets
 * cost nothing, 1000 appends to one key keep no old values.
 *
 * The duplicate-detection policy is one replaceable piece (`ReplyPolicy`), so
 * known-bug servers are the correct one with that piece swapped.
 */
import { encodedSize, Out, type Input, type NodeDef, type Payload, type Step, type StepContext } from '../../sim/contract.ts';
import { describeKv } from './describe.ts';
import { KvAppend, KvGet, KvPut, type KvMethod, type KvOp, type KvServerConfig } from './types.ts';

/** What a retry of a client's latest Put or Append is answered with. */
export interface ClientRecord {
  /** Seq of the client's latest executed Put or Append. */
  readonly seq: number;
  /** An Append's old value, materialised. */
  readonly old?: string;
  /** Or: the old value is the first `len` UTF-16 units of store[key]; the key has only grown since. */
  readonly key?: string;
  readonly len?: number;
}

export interface KvServerState {
  readonly store: Map<string, string>;
  /** Per client, its latest Put/Append (never written by a Get). */
  readonly clients: Map<number, ClientRecord>;
  /** Invariant: id ∈ prefixHolders[k] ⇔ clients[id].key === k. */
  readonly prefixHolders: Map<string, Set<number>>;
}

/** Duplicate detection: the piece the known-bug servers replace. */
export interface ReplyPolicy {
  /** The answer owed to a retry of an already executed `op`, or undefined when `op` must execute. */
  retryReply(s: KvServerState, op: KvOp): Payload | undefined;
  /** Records what a retry of the just executed `op` must get; `reply` is what it returned. */
  remember(s: KvServerState, op: KvOp, reply: Payload): void;
}

/** Replaces a client's record, keeping `prefixHolders` in step. */
export function setClientRecord(s: KvServerState, clientId: number, rec: ClientRecord): void {
  const prev = s.clients.get(clientId);
  if (prev?.key !== undefined) {
    const holders = s.prefixHolders.get(prev.key);
    holders?.delete(clientId);
    if (holders?.size === 0) s.prefixHolders.delete(prev.key);
  }
  s.clients.set(clientId, rec);
  if (rec.key !== undefined) {
    let holders = s.prefixHolders.get(rec.key);
    if (!holders) s.prefixHolders.set(rec.key, (holders = new Set()));
    holders.add(clientId);
  }
}

/** Copies out the old values that point into `key` before its value is replaced. */
function materializePrefixes(s: KvServerState, key: string): void {
  const holders = s.prefixHolders.get(key);
  if (!holders) return;
  const current = s.store.get(key) ?? '';
  for (const id of holders) {
    const rec = s.clients.get(id)!;
    s.clients.set(id, { seq: rec.seq, old: current.slice(0, rec.len) });
  }
  s.prefixHolders.delete(key);
}

function recordedReply(s: KvServerState, rec: ClientRecord, method: KvMethod): Payload {
  if (method === KvPut) return null;
  if (rec.old !== undefined) return rec.old;
  if (rec.key !== undefined) return (s.store.get(rec.key) ?? '').slice(0, rec.len);
  return '';
}

/** The correct policy: at most one small record per client that ever wrote. */
export const exactlyOnce: ReplyPolicy = {
  retryReply(s, op) {
    if (op.method === KvGet) return undefined;
    const rec = s.clients.get(op.clientId);
    if (!rec || op.seq > rec.seq) return undefined;
    // seq === rec.seq: a retry. seq < rec.seq: a stale copy whose answer the clerk already has.
    return op.seq === rec.seq ? recordedReply(s, rec, op.method) : op.method === KvPut ? null : '';
  },
  remember(s, op, reply) {
    if (op.method === KvPut) setClientRecord(s, op.clientId, { seq: op.seq });
    else if (op.method === KvAppend) setClientRecord(s, op.clientId, { seq: op.seq, key: op.key, len: (reply as string).length });
  },
};

/** Executes `op` on the store and returns its reply. */
function execute(s: KvServerState, op: KvOp): Payload {
  const before = s.store.get(op.key) ?? '';
  switch (op.method) {
    case KvGet:
      return before;
    case KvPut:
      materializePrefixes(s, op.key);
      s.store.set(op.key, op.value!);
      return null;
    case KvAppend:
      s.store.set(op.key, before + op.value!);
      return before;
  }
}

function parseOp(method: string, args: Payload): KvOp | undefined {
  if (method !== KvGet && method !== KvPut && method !== KvAppend) return undefined;
  if (typeof args !== 'object' || args === null) return undefined;
  const a = args as Partial<KvOp>;
  if (typeof a.clientId !== 'number' || typeof a.seq !== 'number' || typeof a.key !== 'string') return undefined;
  if (method !== KvGet && typeof a.value !== 'string') return undefined;
  return { method, clientId: a.clientId, seq: a.seq, key: a.key, value: a.value };
}

/**
 * Bytes the server retains: encodedSize (sim/codec.ts) summed over the store
 * and the duplicate-detection tables, entry by entry (key and value). The
 * translation of the Go memory tests' heap budgets.
 */
export function retainedBytes(s: KvServerState): number {
  let n = 0;
  for (const [k, v] of s.store) n += encodedSize(k) + encodedSize(v);
  for (const [id, rec] of s.clients) n += encodedSize(id) + encodedSize(rec);
  for (const [k, ids] of s.prefixHolders) {
    n += encodedSize(k) + encodedSize(ids.size);
    for (const id of ids) n += encodedSize(id);
  }
  return n;
}

export function makeKvServer(policy: ReplyPolicy = exactlyOnce, name = 'kvsrv'): NodeDef<KvServerState, KvServerConfig> {
  function handleRequest(s: KvServerState, reqId: number, method: string, args: Payload, out: Out): void {
    const op = parseOp(method, args);
    if (!op) {
      out.note(`refusing ${method}: unknown method or malformed arguments`).reply(reqId, null);
      return;
    }
    const cached = policy.retryReply(s, op);
    if (cached !== undefined) {
      out.reply(reqId, cached);
      return;
    }
    const reply = execute(s, op);
    policy.remember(s, op, reply);
    out.reply(reqId, reply);
  }

  return {
    name,
    init(): Step<KvServerState> {
      return { state: { store: new Map(), clients: new Map(), prefixHolders: new Map() }, outputs: [] };
    },
    step(s: KvServerState, input: Input, _ctx: StepContext): Step<KvServerState> {
      const out = new Out();
      if (input.kind === 'request') handleRequest(s, input.reqId, input.method, input.args, out);
      else if (input.kind === 'call') out.return(input.callId, null);
      return out.done(s);
    },
    describe: describeKv,
  };
}

export const kvServer = makeKvServer();
