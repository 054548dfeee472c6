/**
 * Reads Porcupine's KV logs: one EDN map per line,
 * `{:process P, :type T, :f F, :key "K", :value V}`, whitespace runs allowed.
 * An `:ok` completes the open invocation of its process. Beyond what
 * Porcupine's files contain: `:info` leaves the call open (unknown outcome)
 * and `:fail` drops it (it did not happen).
 */
import type { KvInput, KvOutput } from '../linearizability/models/kv.ts';
import type { Operation } from '../linearizability/types.ts';
import { HistoryFormatError, numberedLines, quoteLine } from './errors.ts';

const LINE =
  /^\{\s*:process\s+(\d+)\s*,\s*:type\s+(:invoke|:ok|:fail|:info)\s*,\s*:f\s+(:get|:put|:append)\s*,\s*:key\s+"([^"\\]*)"\s*,\s*:value\s+(nil|"[^"\\]*")\s*\}\s*$/;
const EXPECTED = 'expected {:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "K", :value nil|"V"}';
const OPS = { ':get': 0, ':put': 1, ':append': 2 } as const;

interface Open {
  readonly slot: number;
  readonly f: string;
  readonly line: number;
}

export function parseKvLog(text: string, file: string): Operation<KvInput, KvOutput>[] {
  const operations: (Operation<KvInput, KvOutput> | undefined)[] = [];
  const open = new Map<number, Open>();
  let time = 0;
  for (const [lineNo, line] of numberedLines(text)) {
    const m = LINE.exec(line);
    if (m === null) throw new HistoryFormatError(file, lineNo, `${EXPECTED}, got ${quoteLine(line)}`);
    const [, processText, type, f, key, valueText] = m as unknown as [string, string, string, keyof typeof OPS, string, string];
    const process = Number(processText);
    const value = valueText === 'nil' ? undefined : valueText.slice(1, -1);
    const pending = open.get(process);
    time++;
    if (type === ':invoke') {
      if (pending !== undefined) {
        throw new HistoryFormatError(file, lineNo, `process ${process} invokes again while its call from line ${pending.line} is open`);
      }
      if (f !== ':get' && value === undefined) throw new HistoryFormatError(file, lineNo, `expected a string :value for ${f}, got nil`);
      open.set(process, { slot: operations.length, f, line: lineNo });
      operations.push({ clientId: process, input: { op: OPS[f], key, value: value ?? '' }, call: time, output: undefined, return: Infinity });
      continue;
    }
    if (type === ':info') continue;
    if (pending === undefined) throw new HistoryFormatError(file, lineNo, `expected an open invocation of process ${process} before this ${type}`);
    const call = operations[pending.slot]!;
    if (pending.f !== f || call.input.key !== key) {
      throw new HistoryFormatError(file, lineNo, `expected a return of ${pending.f} on key "${call.input.key}" (invoked on line ${pending.line})`);
    }
    open.delete(process);
    if (type === ':fail') {
      operations[pending.slot] = undefined;
      continue;
    }
    if (f === ':get' && value === undefined) throw new HistoryFormatError(file, lineNo, 'expected the string read by an :ok :get, got nil');
    operations[pending.slot] = { ...call, output: { value: f === ':get' ? value! : '' }, return: time };
  }
  return operations.filter((op) => op !== undefined);
}
