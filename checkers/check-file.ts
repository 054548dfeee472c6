/**
 * Reading a history file for checking: format detection, the model to use,
 * and shape checks of every operation — shared by the CLI, the conformance
 * run and the benchmark.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_MODEL, detectFormat, FORMATS, HistoryFormatError, parseHistory, type HistoryFormat } from './history/index.ts';
import { MODELS, type ModelEntry } from './linearizability/models/index.ts';
import type { Operation } from './linearizability/types.ts';

/** Bad input or usage, told in one line (the CLI's exit code 2). */
export class InputError extends Error {
  override name = 'InputError';
}

export interface LoadedHistory {
  readonly file: string;
  readonly format: HistoryFormat;
  readonly modelName: string;
  readonly entry: ModelEntry;
  readonly operations: Operation<unknown, unknown>[];
}

/** Which models read which formats' operations (simlab files carry any model's). */
const MODELS_OF_FORMAT: Record<HistoryFormat, readonly string[] | undefined> = {
  etcd: ['etcd'],
  kv: ['kv', 'kv-unpartitioned'],
  simlab: undefined,
};

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(error)})`}`);
  }
}

function checkShapes(loaded: Omit<LoadedHistory, 'file'>, file: string, lines: number[] | undefined): void {
  loaded.operations.forEach((op, i) => {
    const problem =
      loaded.entry.inputProblem(op.input) ?? (op.output === undefined ? undefined : loaded.entry.outputProblem(op.input, op.output));
    if (problem !== undefined) {
      const where = lines === undefined ? `operation ${i + 1}` : `line ${lines[i]}`;
      throw new InputError(`${file}: ${where}: expected ${problem} for model ${loaded.modelName}`);
    }
  });
}

export function loadHistory(file: string, options: { format?: string; model?: string } = {}): LoadedHistory {
  if (options.format !== undefined && !(FORMATS as readonly string[]).includes(options.format)) {
    throw new InputError(`unknown format "${options.format}": expected one of ${FORMATS.join(', ')}`);
  }
  if (options.model !== undefined && MODELS[options.model] === undefined) {
    throw new InputError(`unknown model "${options.model}": expected one of ${Object.keys(MODELS).join(', ')}`);
  }
  const text = readText(file);
  // An empty file is an empty history, whatever its name says: linearizable under any model.
  const empty = text.trim() === '';
  const format = (options.format as HistoryFormat | undefined) ?? detectFormat(text, file) ?? (empty ? 'simlab' : undefined);
  if (format === undefined) throw new InputError(`${file}: cannot tell the format; give --format ${FORMATS.join('|')}`);
  let parsed;
  try {
    parsed = parseHistory(text, file, format);
  } catch (error) {
    if (error instanceof HistoryFormatError) throw new InputError(error.message);
    throw error;
  }
  const modelName = options.model ?? parsed.model ?? DEFAULT_MODEL[format] ?? (empty ? 'kv' : undefined);
  if (modelName === undefined) throw new InputError(`${file}: no model named; give --model or a header line {"simlab-history":1,"model":"…"}`);
  const entry = MODELS[modelName];
  if (entry === undefined) throw new InputError(`${file}: unknown model "${modelName}": expected one of ${Object.keys(MODELS).join(', ')}`);
  const readable = MODELS_OF_FORMAT[format];
  if (readable !== undefined && !readable.includes(modelName)) {
    throw new InputError(`${file}: model ${modelName} cannot check ${format} histories: use ${readable.join(' or ')}`);
  }
  const loaded = { format, modelName, entry, operations: parsed.operations };
  checkShapes(loaded, file, parsed.lines);
  return { file, ...loaded };
}
