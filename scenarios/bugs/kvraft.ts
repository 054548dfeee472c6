/**
 * The kvraft bug zoo: each variant is the correct service (rsm over the KV
 * machine, role `kvraft-server`) with one realistic change, for the
 * scenarios and the property that must catch it (kvraft-caught.ts).
 */
import { encode } from '../../sim/codec.ts';
import { Out, type Payload } from '../../sim/node.ts';
import { KvGet, kvMachine, type KvMachineState, type KvOp } from '../../protocols/kvraft/index.ts';
import { doOp } from '../../protocols/kvraft/machine.ts';
import { CALL, type GetStateResult } from '../../protocols/raft/api.ts';
import { ErrWrongLeader, RAFT_LOCAL, rsm, rsmParts, type RsmConfig, type RsmState, type ServiceDef } from '../../protocols/rsm/index.ts';

export interface KvraftBug {
  readonly name: string;
  readonly description: string;
  /** The service to run as role kvraft-server. */
  readonly service: ServiceDef<any, RsmConfig>;
}

/** The snapshot holds the store but not the dedup table: after a restart or an InstallSnapshot, a retry is applied again. */
export const kvraftSnapshotWithoutDedup: KvraftBug = {
  name: 'kvraft-snapshot-without-dedup',
  description: 'the dedup table is left out of the snapshot',
  service: rsm({ ...kvMachine, snapshot: (s: KvMachineState) => encode({ store: [...s.store], lastSeq: [] }) }),
};

/** A leader answers Get from its own state without committing it: a deposed leader cut off in a minority serves stale reads. */
export const kvraftStaleRead: KvraftBug = {
  name: 'kvraft-stale-read',
  description: 'a Get is answered by whoever believes it leads, without going through the log',
  service: localReads(rsm(kvMachine)),
};

/** The waiting handler answers with whatever committed at its index, without checking it is its own op. */
export const kvraftUncheckedIndex: KvraftBug = {
  name: 'kvraft-unchecked-index',
  description: 'a pending request is answered by whatever op commits at its index',
  service: rsm(kvMachine, { ...rsmParts, answers: () => true }),
};

/** A restarted server restores the store from its snapshot but starts its dedup table empty: retries of ops in the snapshot apply again. */
export const kvraftRestartForgetsDedup: KvraftBug = {
  name: 'kvraft-restart-forgets-dedup',
  description: 'a restarted server reads the store from the snapshot but not the dedup table',
  service: forgetDedupOnInit(rsm(kvMachine)),
};

/** The snapshot trigger never fires: Raft's log grows without bound. */
export const kvraftNeverSnapshots: KvraftBug = {
  name: 'kvraft-never-snapshots',
  description: 'the service never hands Raft a snapshot',
  service: rsm(kvMachine, { ...rsmParts, snapshotDue: () => false }),
};

export const kvraftBugs: readonly KvraftBug[] = [kvraftSnapshotWithoutDedup, kvraftStaleRead, kvraftUncheckedIndex, kvraftRestartForgetsDedup, kvraftNeverSnapshots];

type KvRsm = ServiceDef<RsmState<KvMachineState>, RsmConfig>;

/** Gets asked of Raft's GetState and, when it says leader, answered from the local store. */
function localReads(inner: KvRsm): KvRsm {
  return {
    ...inner,
    step(st, input, ctx) {
      if (input.kind === 'request' && input.method === KvGet) {
        return new Out().send(RAFT_LOCAL, CALL.getState, null, { staleRead: input.reqId, args: input.args }).done(st);
      }
      const tag = input.kind === 'response' ? (input.tag as { staleRead?: number; args?: Payload } | null) : null;
      if (input.kind === 'response' && tag !== null && tag.staleRead !== undefined) {
        const out = new Out();
        if (!(input.reply as GetStateResult).isLeader) return out.reply(tag.staleRead, { err: ErrWrongLeader }).done(st);
        return out.reply(tag.staleRead, doOp(st.machine, kvMachine.toOp(KvGet, tag.args) as KvOp)).done(st);
      }
      return inner.step(st, input, ctx);
    },
  };
}

function forgetDedupOnInit(inner: KvRsm): KvRsm {
  return {
    ...inner,
    init(config, persisted, ctx) {
      const r = inner.init(config, persisted, ctx);
      r.state.machine.lastSeq.clear();
      return r;
    },
  };
}
