/**
 * Small nodes for exercising the kernel: an echo server in the manner of
 * labrpc's own test server, and a caller that makes one RPC per tester call.
 * Used by the labrpc self-tests, the demo scenario and the kernel benchmark.
 */
import { Out, type Input, type NodeDef, type Payload, type Step, type StepContext } from './node.ts';

export interface EchoState {
  /** Requests handled per method. */
  handled: number;
  /** Requests held unanswered by Echo.Block. */
  held: number[];
}

/**
 * Methods: "Echo.Handler" replies with its args; "Echo.Len" with the length of
 * its string argument; "Echo.Int" (an int argument)
 * replies with a 107-character string; "Echo.Block" never replies;
 * "Echo.BlockAndApply" never replies and hands its args to the apply listener.
 */
export const echoServer: NodeDef<EchoState, null> = {
  name: 'echo',
  init(): Step<EchoState> {
    return { state: { handled: 0, held: [] }, outputs: [] };
  },
  step(state: EchoState, input: Input): Step<EchoState> {
    if (input.kind !== 'request') return { state, outputs: [] };
    state.handled++;
    const out = new Out();
    switch (input.method) {
      case 'Echo.Handler':
        out.reply(input.reqId, input.args);
        break;
      case 'Echo.Len':
        out.reply(input.reqId, (input.args as string).length);
        break;
      case 'Echo.Int':
        out.reply(input.reqId, 'x'.repeat(107));
        break;
      case 'Echo.Block':
        state.held.push(input.reqId);
        break;
      case 'Echo.BlockAndApply':
        state.held.push(input.reqId);
        out.apply(input.args);
        break;
      default:
        throw new Error(`echo server: unknown method ${input.method}`);
    }
    return out.done(state);
  },
  describe(method: string, payload: Payload, isReply: boolean): string {
    const text = typeof payload === 'string' && payload.length > 20 ? `"${payload.slice(0, 8)}…" (${payload.length} chars)` : JSON.stringify(payload);
    return `${method}${isReply ? ' reply' : ''} ${text}`;
  },
};

export interface CallerState {
  calls: number;
}

/** The outcome a caller returns for one RPC. */
export interface RpcOutcome {
  readonly ok: boolean;
  readonly reply: Payload;
}

/**
 * A client: the tester call "rpc" with `{ end, method, args }` sends one RPC
 * through end index `end` and returns `{ ok, reply }` when it completes.
 */
export const rpcCaller: NodeDef<CallerState, null> = {
  name: 'caller',
  init(): Step<CallerState> {
    return { state: { calls: 0 }, outputs: [] };
  },
  step(state: CallerState, input: Input): Step<CallerState> {
    if (input.kind === 'call') {
      const { end, method, args } = input.args as { end: number; method: string; args: Payload };
      state.calls++;
      return new Out().send(end, method, args, input.callId).done(state);
    }
    if (input.kind === 'response') {
      return new Out().return(input.tag as number, { ok: input.ok, reply: input.ok ? input.reply : null }).done(state);
    }
    return { state, outputs: [] };
  },
};

export interface PingState {
  readonly peers: number;
  readonly me: number;
  sent: number;
  received: number;
  readonly limit: number;
}

/**
 * A node that keeps one call in flight to a random peer and answers calls
 * from others: the kernel benchmark's and the demo's workload. Each response
 * triggers the next call until `limit` round trips were made.
 */
export const pinger: NodeDef<PingState, { me: number; peers: number; limit: number }> = {
  name: 'ping',
  init(config, _persisted, ctx: StepContext): Step<PingState> {
    const state: PingState = { peers: config.peers, me: config.me, sent: 0, received: 0, limit: config.limit };
    const out = new Out();
    if (state.limit > 0) {
      state.sent++;
      out.send(pickPeer(state, ctx), 'Ping.Ping', { n: state.sent, from: state.me });
    }
    return out.done(state);
  },
  step(state: PingState, input: Input, ctx: StepContext): Step<PingState> {
    switch (input.kind) {
      case 'request':
        return new Out().reply(input.reqId, { n: (input.args as { n: number }).n, by: state.me }).done(state);
      case 'response': {
        state.received++;
        if (state.sent >= state.limit) return { state, outputs: [] };
        state.sent++;
        return new Out().send(pickPeer(state, ctx), 'Ping.Ping', { n: state.sent, from: state.me }).done(state);
      }
      case 'call':
        return new Out().return(input.callId, { sent: state.sent, received: state.received }).done(state);
      default:
        return { state, outputs: [] };
    }
  },
  describe(method, payload, isReply) {
    const p = payload as { n: number; from?: number; by?: number };
    return isReply ? `${method} reply n=${p.n} by=${p.by}` : `${method} n=${p.n} from=${p.from}`;
  },
};

/** A uniformly chosen index among the other peers (the node's ends skip itself). */
function pickPeer(state: PingState, ctx: StepContext): number {
  return ctx.rng.below(state.peers - 1);
}
