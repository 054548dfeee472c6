/**
 * The single-server key/value store of 6.5840 Lab 2 as simlab nodes: one
 * server, clerks that reach it through one end (index 0). Exactly-once under
 * the unreliable network by (clientId, seq): every clerk operation carries a
 * fresh seq, a retry repeats it.
 *
 * RPCs (labrpc service "KVServer"):
 *   KVServer.Get     args GetArgs        → reply string (the value, "" if absent)
 *   KVServer.Put     args PutAppendArgs  → reply null
 *   KVServer.Append  args PutAppendArgs  → reply string (the value before the append)
 *
 * Tester calls on a clerk (one at a time per clerk):
 *   "get"    { key }         → string
 *   "put"    { key, value }  → null
 *   "append" { key, value }  → string (the value before the append)
 */

export const KvGet = 'KVServer.Get';
export const KvPut = 'KVServer.Put';
export const KvAppend = 'KVServer.Append';
export type KvMethod = typeof KvGet | typeof KvPut | typeof KvAppend;

export interface GetArgs {
  readonly clientId: number;
  /** Per-clerk operation number, 1, 2, 3, …; a retry repeats it. */
  readonly seq: number;
  readonly key: string;
}

export interface PutAppendArgs extends GetArgs {
  readonly value: string;
}

/** The request a server executes, whatever its method. */
export interface KvOp {
  readonly method: KvMethod;
  readonly clientId: number;
  readonly seq: number;
  readonly key: string;
  /** Absent for Get. */
  readonly value?: string;
}

export interface ClerkConfig {
  /** Unique per clerk (the scenario assigns them). */
  readonly clientId: number;
}

export type KvServerConfig = Readonly<Record<string, never>> | null;

export const GetCall = 'get';
export const PutCall = 'put';
export const AppendCall = 'append';

export interface GetCallArgs {
  readonly key: string;
}

export interface PutAppendCallArgs {
  readonly key: string;
  readonly value: string;
}
