/** One-line renderings of kvraft messages for traces. */
import type { Payload } from '../../sim/contract.ts';
import { showValue } from '../kvsrv/describe.ts';
import { KvGet, type PutAppendArgs } from './types.ts';

export function describeKvraft(method: string, payload: Payload, isReply: boolean): string {
  const short = `kv/${method.replace(/^KVServer\./, '')}`;
  if (typeof payload !== 'object' || payload === null) return `${short} ${JSON.stringify(payload)}`;
  if (isReply) {
    const r = payload as { err: string; value?: string };
    return r.value === undefined ? `${short} → ${r.err}` : `${short} → ${r.err} ${showValue(r.value)}`;
  }
  const a = payload as PutAppendArgs;
  const head = `${short} c${a.clientId}#${a.seq} ${showValue(String(a.key))}`;
  return method === KvGet || typeof a.value !== 'string' ? head : `${head} ${showValue(a.value)}`;
}
