/** One-line renderings of shard-controller messages for traces. */
import type { Payload } from '../../sim/contract.ts';
import type { Config, CtrlerReply } from './types.ts';

export function showConfig(c: Config): string {
  const groups = Object.entries(c.groups).map(([gid, servers]) => `${gid}:${servers.length}`);
  return `#${c.num} [${c.shards.join(' ')}] {${groups.join(' ')}}`;
}

export function describeCtrler(method: string, payload: Payload, isReply: boolean): string {
  const short = `ctrl/${method.replace(/^ShardCtrler\./, '')}`;
  if (typeof payload !== 'object' || payload === null) return `${short} ${JSON.stringify(payload)}`;
  if (isReply) {
    const r = payload as unknown as CtrlerReply;
    return r.config === undefined ? `${short} → ${r.err}` : `${short} → ${r.err} ${showConfig(r.config)}`;
  }
  const { clientId, seq, ...rest } = payload as { clientId?: number; seq?: number };
  const who = clientId === undefined ? '' : ` c${clientId}#${seq}`;
  return `${short}${who} ${JSON.stringify(rest)}`;
}
