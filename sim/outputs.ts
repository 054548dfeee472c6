/**
 * The meaning of a step's outputs, written once. A step returns a list of
 * outputs (sim/node.ts); `applyOutputs` hands them to a sink in the order
 * the contract fixes:
 *
 * 1. every `persist` of the step first, in order, so no message, reply or
 *    apply leaves before the state it depends on is durable;
 * 2. then every other output in the order the step emitted it, while the
 *    sink is alive: after an `exit` (or a kill from an apply listener) the
 *    rest of the step is dropped.
 *
 * `apply` goes to the sink synchronously: the sink may step the node again
 * from there (Raft's Snapshot from the apply loop). That nested step sees
 * the state the outer step returned and its outputs are applied at once;
 * the outer step's remaining outputs follow.
 *
 * Sinks: the host (sim/host.ts), which turns outputs into network sends,
 * queue timers and trace records; and the synchronous probe (sim/probe.ts),
 * which keeps them for a test to deliver by hand.
 */
import type { Bytes, EndRef, Output, Payload } from './node.ts';

/** Where a step's outputs go, one method per output kind. */
export interface OutputSink {
  /** False once the node stopped: the rest of the step is dropped. */
  readonly alive: boolean;
  persist(state: Bytes, snapshot: Uint8Array): void;
  send(to: EndRef, method: string, args: Payload, tag: Payload): void;
  reply(reqId: number, reply: Payload): void;
  setTimer(name: string, afterUs: number): void;
  cancelTimer(name: string): void;
  returnValue(callId: number, value: Payload): void;
  apply(msg: Payload): void;
  note(text: string): void;
  fact(fact: Payload): void;
  exit(code: number): void;
  writeFile(name: string, data: string): void;
  rename(from: string, to: string): void;
  removeFile(name: string): void;
}

/** Applies one step's outputs to `sink`: persists first, then the rest in order while the sink is alive. */
export function applyOutputs(outputs: readonly Output[], sink: OutputSink): void {
  const n = outputs.length;
  for (let i = 0; i < n; i++) {
    const o = outputs[i]!;
    if (o.kind === 'persist') sink.persist(o.state, o.snapshot);
  }
  for (let i = 0; i < n && sink.alive; i++) applyOne(outputs[i]!, sink);
}

function applyOne(o: Output, sink: OutputSink): void {
  switch (o.kind) {
    case 'persist':
      return;
    case 'send':
      return sink.send(o.to, o.method, o.args, o.tag);
    case 'reply':
      return sink.reply(o.reqId, o.reply);
    case 'setTimer':
      return sink.setTimer(o.name, o.afterUs);
    case 'cancelTimer':
      return sink.cancelTimer(o.name);
    case 'return':
      return sink.returnValue(o.callId, o.value);
    case 'apply':
      return sink.apply(o.msg);
    case 'note':
      return sink.note(o.text);
    case 'fact':
      return sink.fact(o.fact);
    case 'exit':
      return sink.exit(o.code);
    case 'writeFile':
      return sink.writeFile(o.name, o.data);
    case 'rename':
      return sink.rename(o.from, o.to);
    case 'removeFile':
      return sink.removeFile(o.name);
    default: {
      const never: never = o;
      throw new OutputError(`unknown output ${JSON.stringify(never)}`);
    }
  }
}

export class OutputError extends Error {}
