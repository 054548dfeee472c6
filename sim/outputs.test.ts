import { describe, expect, it } from 'vitest';
import { Out, type Bytes, type EndRef, type Output, type Payload } from './node.ts';
import { applyOutputs, OutputError, type OutputSink } from './outputs.ts';

/** Writes down every call it gets; dies at exit. */
class Recorder implements OutputSink {
  alive = true;
  readonly log: string[] = [];
  persist(_state: Bytes, snapshot: Uint8Array): void {
    this.log.push(`persist ${snapshot.length}`);
  }
  send(to: EndRef, method: string): void {
    this.log.push(`send ${to} ${method}`);
  }
  reply(reqId: number): void {
    this.log.push(`reply ${reqId}`);
  }
  setTimer(name: string, afterUs: number): void {
    this.log.push(`setTimer ${name} ${afterUs}`);
  }
  cancelTimer(name: string): void {
    this.log.push(`cancelTimer ${name}`);
  }
  returnValue(callId: number, value: Payload): void {
    this.log.push(`return ${callId} ${String(value)}`);
  }
  apply(msg: Payload): void {
    this.log.push(`apply ${String(msg)}`);
  }
  note(text: string): void {
    this.log.push(`note ${text}`);
  }
  fact(fact: Payload): void {
    this.log.push(`fact ${String(fact)}`);
  }
  exit(code: number): void {
    this.log.push(`exit ${code}`);
    this.alive = false;
  }
  writeFile(name: string): void {
    this.log.push(`write ${name}`);
  }
  rename(from: string, to: string): void {
    this.log.push(`rename ${from} ${to}`);
  }
  removeFile(name: string): void {
    this.log.push(`remove ${name}`);
  }
}

describe('applyOutputs', () => {
  it('applies every persist first, then the other outputs in the order the step emitted them', () => {
    const out = new Out().send(1, 'M', null).persist(new Uint8Array(1), new Uint8Array(1)).reply(7, 'r').setTimer('t', 5).persist(new Uint8Array(0), new Uint8Array(2));
    out.return(3, 'v').apply('a').fact('f').note('n').cancelTimer('t').writeFile('x', 'd').rename('x', 'y').removeFile('y');
    const sink = new Recorder();
    applyOutputs(out.list, sink);
    expect(sink.log).toEqual([
      'persist 1', 'persist 2', 'send 1 M', 'reply 7', 'setTimer t 5', 'return 3 v', 'apply a', 'fact f', 'note n',
      'cancelTimer t', 'write x', 'rename x y', 'remove y',
    ]);
  });

  it('drops what follows an exit (the persists of the step were applied first, as always)', () => {
    const sink = new Recorder();
    applyOutputs(new Out().note('before').exit(0).send(0, 'M', null).note('after').persist(new Uint8Array(0), new Uint8Array(3)).list, sink);
    expect(sink.log).toEqual(['persist 3', 'note before', 'exit 0']);
  });

  it('rejects an output kind the contract does not know', () => {
    expect(() => applyOutputs([{ kind: 'teleport' } as unknown as Output], new Recorder())).toThrow(OutputError);
  });
});
