/** One-line renderings of kvsrv messages for traces. */
import type { Payload } from '../../sim/contract.ts';
import { KvGet, KvPut, type PutAppendArgs } from './types.ts';

const SHOWN_CHARS = 24;

/** A value, quoted, cut after a few characters with its full length when long. */
export function showValue(v: string): string {
  if (v.length <= SHOWN_CHARS) return JSON.stringify(v);
  return `${JSON.stringify(v.slice(0, SHOWN_CHARS))}…(${v.length} chars)`;
}

export function describeKv(method: string, payload: Payload, isReply: boolean): string {
  const short = `kv/${method.replace(/^KVServer\./, '')}`;
  if (isReply) {
    if (method === KvPut) return `${short} → ok`;
    return typeof payload === 'string' ? `${short} → ${showValue(payload)}` : `${short} → ${JSON.stringify(payload)}`;
  }
  if (typeof payload !== 'object' || payload === null) return `${short} ${JSON.stringify(payload)}`;
  const a = payload as PutAppendArgs;
  const head = `${short} c${a.clientId}#${a.seq} ${showValue(String(a.key))}`;
  return method === KvGet || typeof a.value !== 'string' ? head : `${head} ${showValue(a.value)}`;
}
