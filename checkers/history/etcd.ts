/**
 * Reads Porcupine's etcd Jepsen logs: one event per line,
 * `INFO  jepsen.util - <process> <type> <f> <value>` with any run of
 * whitespace between fields. A return completes the open invocation of its
 * process; `:info` leaves it open, and every operation still open at the end
 * gets an unknown outcome and no return (return = Infinity). `:fail :read
 * :timed-out` returns with an unknown outcome.
 */
import type { EtcdInput, EtcdOutput } from '../linearizability/models/etcd.ts';
import type { Operation } from '../linearizability/types.ts';
import { HistoryFormatError, numberedLines, quoteLine } from './errors.ts';

const LINE =
  /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+(:invoke|:ok|:fail|:info)\s+(:read|:write|:cas)\s+(nil|\d+|\[\s*\d+\s+\d+\s*\]|:timed-out)\s*$/;
const EXPECTED = 'expected "INFO  jepsen.util - <process> <:invoke|:ok|:fail|:info> <:read|:write|:cas> <nil|N|[a b]|:timed-out>"';

interface Open {
  readonly slot: number;
  readonly f: string;
  readonly line: number;
}

type Value = { kind: 'nil' } | { kind: 'int'; n: number } | { kind: 'pair'; a: number; b: number } | { kind: 'timed-out' };

function valueOf(text: string): Value {
  if (text === 'nil') return { kind: 'nil' };
  if (text === ':timed-out') return { kind: 'timed-out' };
  if (text.startsWith('[')) {
    const [a, b] = text.slice(1, -1).trim().split(/\s+/).map(Number);
    return { kind: 'pair', a: a!, b: b! };
  }
  return { kind: 'int', n: Number(text) };
}

function inputOf(f: string, value: Value): EtcdInput | string {
  if (f === ':read') return value.kind === 'nil' ? { f: 'read' } : 'a read is invoked with nil';
  if (f === ':write') return value.kind === 'int' ? { f: 'write', value: value.n } : 'a write is invoked with a number';
  return value.kind === 'pair' ? { f: 'cas', from: value.a, to: value.b } : 'a cas is invoked with [a b]';
}

/** The output of an :ok or :fail line; undefined for an unknown outcome; a string describes what was expected instead. */
function outputOf(type: string, f: string, value: Value): EtcdOutput | undefined | string {
  if (type === ':ok') {
    if (f === ':read') {
      if (value.kind === 'nil') return { ok: true, value: null };
      return value.kind === 'int' ? { ok: true, value: value.n } : 'an :ok read returns nil or a number';
    }
    return { ok: true };
  }
  if (f === ':cas') return { ok: false };
  if (f === ':read' && value.kind === 'timed-out') return undefined;
  return 'a :fail line is ":fail :cas [a b]" or ":fail :read :timed-out"';
}

export function parseEtcdLog(text: string, file: string): Operation<EtcdInput, EtcdOutput>[] {
  const operations: Operation<EtcdInput, EtcdOutput>[] = [];
  const open = new Map<number, Open>();
  let time = 0;
  for (const [lineNo, line] of numberedLines(text)) {
    const m = LINE.exec(line);
    if (m === null) throw new HistoryFormatError(file, lineNo, `${EXPECTED}, got ${quoteLine(line)}`);
    const [, processText, type, f, valueText] = m as unknown as [string, string, string, string, string];
    const process = Number(processText);
    const value = valueOf(valueText);
    const pending = open.get(process);
    time++;
    if (type === ':invoke') {
      if (pending !== undefined) {
        throw new HistoryFormatError(file, lineNo, `process ${process} invokes again while its call from line ${pending.line} is open`);
      }
      const input = inputOf(f, value);
      if (typeof input === 'string') throw new HistoryFormatError(file, lineNo, `expected ${input}, got ${quoteLine(line)}`);
      open.set(process, { slot: operations.length, f, line: lineNo });
      operations.push({ clientId: process, input, call: time, output: undefined, return: Infinity });
      continue;
    }
    if (type === ':info') continue; // the call stays open: it may or may not take effect
    if (pending === undefined) throw new HistoryFormatError(file, lineNo, `expected an open invocation of process ${process} before this ${type}`);
    if (pending.f !== f) {
      throw new HistoryFormatError(file, lineNo, `expected a return of ${pending.f} (invoked on line ${pending.line}), got ${f}`);
    }
    const output = outputOf(type, f, value);
    if (typeof output === 'string') throw new HistoryFormatError(file, lineNo, `expected ${output}, got ${quoteLine(line)}`);
    open.delete(process);
    const call = operations[pending.slot]!;
    operations[pending.slot] = { ...call, output, return: time };
  }
  return operations;
}
