/**
 * `rsm(machine)`: a ServiceMachine as a service node, the upper node of a
 * stack over a Raft child (sim/stack.ts; scenarios stack it). A request is turned into an op, submitted with a
 * local `start`, and answered when its index commits with the same op
 * (submitter and nonce); a different op there, a term change, lost
 * leadership or PENDING_TIMEOUT_US without a commit answer ErrWrongLeader
 * instead, and the clerk retries elsewhere. After each apply, when Raft's
 * persisted state has reached maxraftstate, the machine's snapshot is handed
 * to Raft with a local `snapshot` call from inside the delivery (re-entrant,
 * as Go's Snapshot from the apply loop). Init restores from the persisted
 * snapshot; an installed snapshot replaces the machine.
 *
 * Only the Raft API (protocols/raft/api.ts) is used, never the Raft code.
 */
import { Out, decode, encode, type Payload, type Persisted, type Step, type StepContext } from '../../sim/contract.ts';
import { CALL, type ApplyMsg, type GetStateResult, type StartResult } from '../raft/api.ts';
import {
  ErrWrongLeader,
  PENDING_TIMEOUT_US,
  TICK_TIMER,
  TICK_US,
  type Pending,
  type RsmCommand,
  type RsmConfig,
  type RsmParts,
  type RsmState,
  type ServiceDef,
  type ServiceInput,
  type ServiceMachine,
  type WrongLeaderReply,
} from './types.ts';

export * from './types.ts';

/** The local end of the Raft child (sim/stack.ts). */
export const RAFT_LOCAL = 'local:raft';

const WRONG_LEADER: WrongLeaderReply = Object.freeze({ err: ErrWrongLeader });

/** The correct parts. */
export const rsmParts: RsmParts = Object.freeze({
  answers: (p: Pending, committed: RsmCommand<unknown>, me: number) => committed.by === me && committed.nonce === p.nonce,
  snapshotDue: (lowerStateBytes: number, maxraftstate: number) => maxraftstate >= 0 && lowerStateBytes >= maxraftstate,
});

/** What an rsm snapshot holds: the index it is taken at and the machine's own bytes. */
interface RsmSnapshot {
  readonly index: number;
  readonly machine: Uint8Array;
}

export function encodeSnapshot(index: number, machine: Uint8Array): Uint8Array {
  return encode({ index, machine } satisfies RsmSnapshot);
}

export function decodeSnapshot(bytes: Uint8Array): RsmSnapshot {
  const v = decode(bytes) as unknown as RsmSnapshot;
  if (typeof v !== 'object' || v === null || !Number.isSafeInteger(v.index) || !(v.machine instanceof Uint8Array)) {
    throw new Error('rsm: the persisted snapshot is not an rsm snapshot');
  }
  return v;
}

/** The local call a send tag marks: a request's Start, or the tick's GetState. */
type LocalTag = { readonly start: number; readonly nonce: number } | { readonly tick: true };

export function rsm<S, Op, R>(machine: ServiceMachine<S, Op, R>, parts: RsmParts = rsmParts): ServiceDef<RsmState<S>, RsmConfig> {
  function init(config: RsmConfig, persisted: Persisted): Step<RsmState<S>> {
    const st: RsmState<S> = { me: config.me, maxraftstate: config.maxraftstate, machine: machine.init(), lastApplied: 0, pending: new Map(), ticking: false };
    if (persisted.snapshot.length > 0) restoreFrom(st, persisted.snapshot);
    return new Out().done(st);
  }

  function restoreFrom(st: RsmState<S>, bytes: Uint8Array): void {
    const snap = decodeSnapshot(bytes);
    st.machine = machine.restore(snap.machine);
    st.lastApplied = snap.index;
  }

  function handleRequest(st: RsmState<S>, reqId: number, method: string, args: Payload, ctx: StepContext, out: Out): void {
    const op = machine.toOp(method, args);
    if (op === undefined) throw new Error(`${machine.name}: no such request ${method}`);
    const nonce = ctx.rng.u32();
    const command: RsmCommand<Op> = { op, by: st.me, nonce };
    out.send(RAFT_LOCAL, CALL.start, { command }, { start: reqId, nonce } satisfies LocalTag);
  }

  function handleStarted(st: RsmState<S>, tag: { start: number; nonce: number }, r: StartResult, ctx: StepContext, out: Out): void {
    if (!r.isLeader) {
      out.reply(tag.start, WRONG_LEADER);
      return;
    }
    const before = st.pending.get(r.index);
    if (before) out.reply(before.reqId, WRONG_LEADER);
    st.pending.set(r.index, { reqId: tag.start, term: r.term, nonce: tag.nonce, sinceUs: ctx.nowUs });
    if (!st.ticking) {
      st.ticking = true;
      out.setTimer(TICK_TIMER, TICK_US);
    }
  }

  /** The tick's GetState: gives up requests of an older term, of a lost leadership, or too old. */
  function handleTick(st: RsmState<S>, r: GetStateResult, ctx: StepContext, out: Out): void {
    for (const [index, p] of st.pending) {
      if (!r.isLeader || r.term !== p.term || ctx.nowUs - p.sinceUs >= PENDING_TIMEOUT_US) {
        st.pending.delete(index);
        out.reply(p.reqId, WRONG_LEADER);
      }
    }
    if (st.pending.size > 0) out.setTimer(TICK_TIMER, TICK_US);
    else st.ticking = false;
  }

  function handleApply(st: RsmState<S>, msg: ApplyMsg, lowerStateBytes: number, out: Out): void {
    if (msg.snapshotValid === true) {
      restoreFrom(st, msg.snapshot);
      for (const [index, p] of st.pending) {
        if (index > st.lastApplied) continue;
        st.pending.delete(index);
        out.reply(p.reqId, WRONG_LEADER);
      }
      return;
    }
    if (msg.commandValid !== true || msg.commandIndex <= st.lastApplied) return;
    const command = msg.command as RsmCommand<Op>;
    const result = machine.doOp(st.machine, command.op);
    st.lastApplied = msg.commandIndex;
    const p = st.pending.get(msg.commandIndex);
    if (p) {
      st.pending.delete(msg.commandIndex);
      out.reply(p.reqId, parts.answers(p, command, st.me) ? (result as Payload) : WRONG_LEADER);
    }
    if (parts.snapshotDue(lowerStateBytes, st.maxraftstate)) {
      const snapshot = encodeSnapshot(st.lastApplied, machine.snapshot(st.machine));
      out.send(RAFT_LOCAL, CALL.snapshot, { index: st.lastApplied, snapshot }, null);
    }
  }

  function step(st: RsmState<S>, input: ServiceInput, ctx: StepContext): Step<RsmState<S>> {
    const out = new Out();
    switch (input.kind) {
      case 'request':
        handleRequest(st, input.reqId, input.method, input.args, ctx, out);
        break;
      case 'response': {
        const tag = input.tag as LocalTag | null;
        if (tag === null) break; // a snapshot call's return
        if ('tick' in tag) handleTick(st, input.reply as GetStateResult, ctx, out);
        else handleStarted(st, tag, input.reply as StartResult, ctx, out);
        break;
      }
      case 'timer':
        if (input.name !== TICK_TIMER) throw new Error(`${machine.name}: unknown timer ${input.name}`);
        out.send(RAFT_LOCAL, CALL.getState, null, { tick: true } satisfies LocalTag);
        break;
      case 'apply':
        handleApply(st, input.msg as ApplyMsg, input.lowerStateBytes, out);
        break;
      case 'call':
        throw new Error(`${machine.name}: no call ${input.method} (calls go to raft/…)`);
    }
    return out.done(st);
  }

  return { name: machine.name, init, step, ...(machine.describe ? { describe: machine.describe } : {}) };
}
