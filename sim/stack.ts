/**
 * The stack combinator: one process made of a service (the upper node) and
 * the nodes it drives (children: a Raft peer, an embedded clerk), as one
 * ordinary NodeDef. It knows no protocol; the rules (design/services.md):
 *
 * - a request whose method starts with a child's `service` prefix goes to
 *   that child, every other request to the upper node; a tester call
 *   `raft/getState` goes to the child named before the slash (as `getState`),
 *   other calls to the upper node;
 * - the upper node calls a child with `send('local:raft', method, args, tag)`:
 *   the child is stepped with a `call` input in the same event, and its
 *   `return` comes back to the upper node as a `response` (ok: true);
 * - every `apply` a child emits still goes out to the host (trace, listeners)
 *   and is also fed to the upper node, in order and re-entrantly (a Snapshot
 *   call from inside the delivery steps the child again at once), as an
 *   input `{ kind: 'apply', from, msg, lowerStateBytes }`, where
 *   lowerStateBytes is the length of the child's latest persisted state
 *   (Go's persister.RaftStateSize());
 * - a child's timers are named `child/name` outside, its send tags are
 *   wrapped, and its numeric ends are shifted by its `endOffset`, so the
 *   child sees exactly the names, tags and end indexes it saw alone; each
 *   child draws from its own stream, forked once per incarnation;
 * - only children persist (at most one may: the Raft peer); the upper node's
 *   `init` gets the persisted snapshot (state empty) to restore from, and its
 *   durable state travels inside the child's snapshot, as in Go.
 */
import { bytesLength, type Bytes, type EndRef, type Input, type NodeDef, type Output, type Payload, type Persisted, type Step, type StepContext } from './node.ts';
import { applyOutputs, type OutputSink } from './outputs.ts';
import type { Prng } from './prng.ts';
import { shortJson } from './host.ts';

/** What a stacked service gets besides the ordinary inputs. */
export type StackInput =
  | Input
  | { readonly kind: 'apply'; readonly from: string; readonly msg: Payload; readonly lowerStateBytes: number };

/** A service node: an ordinary node that may also take `apply` inputs from its children. */
export interface UpperDef<S, C> {
  readonly name: string;
  init(config: C, persisted: Persisted, ctx: StepContext): Step<S>;
  step(state: S, input: StackInput, ctx: StepContext): Step<S>;
  describe?(method: string, payload: Payload, isReply: boolean): string;
}

export interface ChildSpec {
  readonly def: NodeDef<any, any>;
  /** Requests whose method starts with this go to the child (e.g. "Raft."). */
  readonly service: string;
  /** The child's end j is the host's end j + endOffset (default 0). */
  readonly endOffset?: number;
  /** Whether this child persists (at most one child may). */
  readonly persists?: boolean;
}

export interface StackSpec<U, UC> {
  readonly name: string;
  readonly upper: UpperDef<U, UC>;
  readonly children: Readonly<Record<string, ChildSpec>>;
  /** Builds the stack's configuration from the one the host is given (default: it is one already). */
  readonly configure?: (config: any) => StackConfig<UC>;
}

/** The stack's configuration: the upper node's and each child's. */
export interface StackConfig<UC> {
  readonly upper: UC;
  readonly children: Readonly<Record<string, unknown>>;
}

interface ChildSlot {
  readonly name: string;
  readonly spec: ChildSpec;
  state: unknown;
  readonly rng: Prng;
  /** Length of this child's latest persisted state. */
  stateBytes: number;
  /** A cache: the child's timer names → their names outside (`child/name`). */
  readonly timerNames: Map<string, string>;
}

export interface StackState<U> {
  upper: U;
  readonly children: ChildSlot[];
  /** Local calls from the upper node waiting for the child's return: callId → the send. */
  readonly localCalls: Map<number, { child: string; method: string; args: Payload; tag: Payload }>;
  nextLocalCall: number;
}

/** Wrapped send tag of a child's call. */
interface ChildTag {
  readonly stackChild: string;
  readonly tag: Payload;
}

const LOCAL = 'local:';

/** A context whose rng is the child's own stream; other fields read through to the host's. */
class ChildContext implements StepContext {
  constructor(
    private readonly outer: StepContext,
    readonly rng: Prng,
  ) {}
  get nowUs(): number {
    return this.outer.nowUs;
  }
  get fs() {
    return this.outer.fs;
  }
}

/**
 * Runs one step's outputs: passes the host's share out, routes local calls
 * and applies. (Run and ChildSink are module classes, not made per stack():
 * a scenario builds its stack anew, and classes made per call would each
 * bring their own object shapes to the same code, which V8 then runs on
 * its slow generic paths.)
 */
class Run<U> {
  readonly out: Output[] = [];
  constructor(
    readonly spec: StackSpec<U, unknown>,
    readonly st: StackState<U>,
    readonly ctx: StepContext,
  ) {}

  stepUpper(input: StackInput): void {
    const r = this.spec.upper.step(this.st.upper, input, this.ctx);
    this.st.upper = r.state;
    this.upperOutputs(r.outputs);
  }

  upperOutputs(outputs: readonly Output[]): void {
    const spec = this.spec;
    for (const o of outputs) {
      if (o.kind === 'persist') throw new Error(`stack ${spec.name}: the service ${spec.upper.name} persisted; only its child does (state travels in the snapshot)`);
      if (o.kind === 'send' && typeof o.to === 'string' && o.to.startsWith(LOCAL)) {
        const child = this.child(o.to.slice(LOCAL.length));
        const callId = -++this.st.nextLocalCall;
        this.st.localCalls.set(callId, { child: child.name, method: o.method, args: o.args, tag: o.tag });
        this.stepChild(child, { kind: 'call', callId, method: o.method, args: o.args });
        continue;
      }
      if (o.kind === 'send') this.out.push({ ...o, tag: { stackChild: '', tag: o.tag } satisfies ChildTag });
      else this.out.push(o);
    }
  }

  child(name: string): ChildSlot {
    const c = this.st.children.find((x) => x.name === name);
    if (c === undefined) throw new Error(`stack ${this.spec.name}: no child ${name}`);
    return c;
  }

  stepChild(c: ChildSlot, input: Input): void {
    const r = c.spec.def.step(c.state, input, new ChildContext(this.ctx, c.rng));
    c.state = r.state;
    this.childOutputs(c, r.outputs);
  }

  /** A child's outputs, in the order sim/outputs.ts gives them (persists first), made the stack's own. */
  childOutputs(c: ChildSlot, outputs: readonly Output[]): void {
    applyOutputs(outputs, new ChildSink(this, c));
  }

  done(): Step<StackState<U>> {
    return { state: this.st, outputs: this.out };
  }
}

/** Where a child's outputs go: passed out with its names, tags and ends translated, local returns and applies routed. */
class ChildSink<U> implements OutputSink {
  readonly alive = true;
  private readonly offset: number;
  constructor(
    private readonly run: Run<U>,
    private readonly c: ChildSlot,
  ) {
    this.offset = c.spec.endOffset ?? 0;
  }
  private pass(o: Output): void {
    this.run.out.push(o);
  }
  persist(state: Bytes, snapshot: Uint8Array): void {
    const c = this.c;
    if (!c.spec.persists) throw new Error(`stack ${this.run.spec.name}: child ${c.name} persisted but is not its persisting child`);
    c.stateBytes = bytesLength(state);
    this.pass({ kind: 'persist', state, snapshot });
  }
  send(to: EndRef, method: string, args: Payload, tag: Payload): void {
    const wrapped: ChildTag = { stackChild: this.c.name, tag };
    this.pass({ kind: 'send', to: typeof to === 'number' ? to + this.offset : to, method, args, tag: wrapped });
  }
  setTimer(name: string, afterUs: number): void {
    this.pass({ kind: 'setTimer', name: timerName(this.c, name), afterUs });
  }
  cancelTimer(name: string): void {
    this.pass({ kind: 'cancelTimer', name: timerName(this.c, name) });
  }
  returnValue(callId: number, value: Payload): void {
    const local = this.run.st.localCalls.get(callId);
    if (local === undefined) return this.pass({ kind: 'return', callId, value });
    this.run.st.localCalls.delete(callId);
    this.run.stepUpper({ kind: 'response', to: LOCAL + local.child, method: local.method, args: local.args, tag: local.tag, ok: true, reply: value });
  }
  apply(msg: Payload): void {
    this.pass({ kind: 'apply', msg });
    this.run.stepUpper({ kind: 'apply', from: this.c.name, msg, lowerStateBytes: this.c.stateBytes });
  }
  reply(reqId: number, reply: Payload): void {
    this.pass({ kind: 'reply', reqId, reply });
  }
  note(text: string): void {
    this.pass({ kind: 'note', text });
  }
  fact(fact: Payload): void {
    this.pass({ kind: 'fact', fact });
  }
  exit(code: number): void {
    this.pass({ kind: 'exit', code });
  }
  writeFile(name: string, data: string): void {
    this.pass({ kind: 'writeFile', name, data });
  }
  rename(from: string, to: string): void {
    this.pass({ kind: 'rename', from, to });
  }
  removeFile(name: string): void {
    this.pass({ kind: 'removeFile', name });
  }
}

/** A child's timer as the host knows it: `child/name` (remembered per child: a child has few timer names). */
function timerName(c: ChildSlot, name: string): string {
  let outer = c.timerNames.get(name);
  if (outer === undefined) {
    outer = `${c.name}/${name}`;
    if (c.timerNames.size < TIMER_NAMES_MAX) c.timerNames.set(name, outer);
  }
  return outer;
}

const TIMER_NAMES_MAX = 64;

export function stack<U, UC>(spec: StackSpec<U, UC>): NodeDef<StackState<U>, any> {
  const names = Object.keys(spec.children);
  if (names.filter((n) => spec.children[n]!.persists).length > 1) throw new Error(`stack ${spec.name}: at most one child may persist`);
  for (const n of names) if (n.includes('/')) throw new Error(`stack ${spec.name}: child name ${n} contains a slash`);

  return {
    name: spec.name,
    init(given, persisted, ctx) {
      const config: StackConfig<UC> = spec.configure ? spec.configure(given) : given;
      const st: StackState<U> = { upper: undefined as U, children: [], localCalls: new Map(), nextLocalCall: 0 };
      const run = new Run<U>(spec as StackSpec<U, unknown>, st, ctx);
      const empty = new Uint8Array(0);
      for (const name of names) {
        const cs = spec.children[name]!;
        const rng = ctx.rng.fork(`child:${name}`);
        const mine: Persisted = cs.persists ? persisted : { state: empty, snapshot: empty };
        const r = cs.def.init(config.children[name], mine, new ChildContext(ctx, rng));
        const slot: ChildSlot = { name, spec: cs, state: r.state, rng, stateBytes: mine.state.length, timerNames: new Map() };
        st.children.push(slot);
        run.childOutputs(slot, r.outputs);
      }
      const up = spec.upper.init(config.upper, { state: empty, snapshot: persisted.snapshot }, ctx);
      st.upper = up.state;
      run.upperOutputs(up.outputs);
      return run.done();
    },
    step(st, input, ctx) {
      const run = new Run<U>(spec as StackSpec<U, unknown>, st, ctx);
      switch (input.kind) {
        case 'request': {
          const c = st.children.find((x) => input.method.startsWith(x.spec.service));
          if (c) run.stepChild(c, input);
          else run.stepUpper(input);
          break;
        }
        case 'response': {
          const wrapped = input.tag as ChildTag;
          if (wrapped.stackChild === '') run.stepUpper({ ...input, tag: wrapped.tag });
          else {
            const c = run.child(wrapped.stackChild);
            const offset = c.spec.endOffset ?? 0;
            run.stepChild(c, { ...input, to: typeof input.to === 'number' ? input.to - offset : input.to, tag: wrapped.tag });
          }
          break;
        }
        case 'timer': {
          const slash = input.name.indexOf('/');
          const c = slash < 0 ? undefined : st.children.find((x) => x.name === input.name.slice(0, slash));
          if (c) run.stepChild(c, { kind: 'timer', name: input.name.slice(slash + 1) });
          else run.stepUpper(input);
          break;
        }
        case 'call': {
          const slash = input.method.indexOf('/');
          const c = slash < 0 ? undefined : st.children.find((x) => x.name === input.method.slice(0, slash));
          if (c) run.stepChild(c, { ...input, method: input.method.slice(slash + 1) });
          else run.stepUpper(input);
          break;
        }
      }
      return run.done();
    },
    describe(method, payload, isReply) {
      for (const n of names) {
        const cs = spec.children[n]!;
        if (method.startsWith(cs.service) && cs.def.describe) return cs.def.describe(method, payload, isReply);
      }
      if (spec.upper.describe) return spec.upper.describe(method, payload, isReply);
      return `${method} ${shortJson(payload)}`;
    },
  };
}
