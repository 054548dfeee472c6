/**
 * simlab's own history format, which scenarios write: JSON lines, one
 * operation per line, after an optional header naming the model.
 *
 *     {"simlab-history":1,"model":"kv"}
 *     {"client":0,"call":1000,"return":2500,"input":{"op":1,"key":"a","value":"x"},"output":{"value":""}}
 *     {"client":1,"call":1200,"return":null,"input":{"op":0,"key":"a","value":""}}
 *
 * `return: null` is an operation that never returned; a missing or null
 * `output` is an unknown outcome (it may or may not have taken effect).
 * Times are numbers sharing one unit (scenarios: virtual microseconds).
 */
import type { Operation } from '../linearizability/types.ts';
import { HistoryFormatError, numberedLines, quoteLine } from './errors.ts';

export const SIMLAB_HISTORY_VERSION = 1;

export interface SimlabHistory {
  /** The model named by the header, if there is one. */
  readonly model: string | undefined;
  readonly operations: Operation<unknown, unknown>[];
  /** The 1-based line of each operation, for error messages. */
  readonly lines: number[];
}

/** One line per operation, after a header line when `model` is given. */
export function formatHistory<I, O>(operations: readonly Operation<I, O>[], options: { model?: string } = {}): string {
  const lines: string[] = [];
  if (options.model !== undefined) lines.push(JSON.stringify({ 'simlab-history': SIMLAB_HISTORY_VERSION, model: options.model }));
  for (const op of operations) {
    const line: Record<string, unknown> = {
      client: op.clientId,
      call: op.call,
      return: op.return === Infinity ? null : op.return,
      input: op.input,
    };
    if (op.output !== undefined) line.output = op.output;
    lines.push(JSON.stringify(line));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The problem with one operation line, or its operation. */
function operationOf(line: Record<string, unknown>): Operation<unknown, unknown> | string {
  const { client, call, input, output } = line;
  const ret = line.return;
  if (!Number.isSafeInteger(client) || (client as number) < 0) return '"client" to be an integer >= 0';
  if (typeof call !== 'number') return '"call" to be a number';
  if (ret !== null && (typeof ret !== 'number' || ret < call)) return '"return" to be a number >= "call", or null';
  if (input === undefined) return 'an "input"';
  if (ret === null && output !== undefined && output !== null) return 'no "output" on an operation that never returned ("return": null)';
  return {
    clientId: client as number,
    call,
    return: ret === null ? Infinity : ret,
    input,
    output: output === null ? undefined : output,
  };
}

export function parseSimlabHistory(text: string, file: string): SimlabHistory {
  const operations: Operation<unknown, unknown>[] = [];
  const lines: number[] = [];
  let model: string | undefined;
  let first = true;
  for (const [lineNo, line] of numberedLines(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new HistoryFormatError(file, lineNo, `expected one JSON object per line, got ${quoteLine(line)}`);
    }
    if (!isRecord(parsed)) throw new HistoryFormatError(file, lineNo, `expected a JSON object, got ${quoteLine(line)}`);
    if (first && 'simlab-history' in parsed) {
      first = false;
      if (parsed['simlab-history'] !== SIMLAB_HISTORY_VERSION) {
        throw new HistoryFormatError(file, lineNo, `expected "simlab-history": ${SIMLAB_HISTORY_VERSION}, got ${JSON.stringify(parsed['simlab-history'])}`);
      }
      if (parsed.model !== undefined && typeof parsed.model !== 'string') {
        throw new HistoryFormatError(file, lineNo, 'expected the header\'s "model" to be a string');
      }
      model = parsed.model;
      continue;
    }
    first = false;
    const op = operationOf(parsed);
    if (typeof op === 'string') throw new HistoryFormatError(file, lineNo, `expected ${op}, got ${quoteLine(line)}`);
    operations.push(op);
    lines.push(lineNo);
  }
  return { model, operations, lines };
}
