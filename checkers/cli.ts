/**
 * `simlab check FILE… [flags]`: checks history files for linearizability and
 * prints one line per file. Exit code: 0 all ok, 1 some illegal, 3 some
 * unknown (budget out — never a pass), 2 usage or input error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, loadHistory, type LoadedHistory } from './check-file.ts';
import { FORMATS } from './history/index.ts';
import { checkOperations, explain } from './linearizability/index.ts';
import { MODELS } from './linearizability/models/index.ts';
import type { CheckResult } from './linearizability/types.ts';
import { htmlReport } from './report/index.ts';

export const BUDGET_MS_DEFAULT = 10_000;

export const checkUsage = `usage: simlab check FILE… [--format ${FORMATS.join('|')}] [--model ${Object.keys(MODELS).join('|')}]
                    [--budget-ms N] [--budget-steps N] [--html OUT] [--explain]
  Checks each history FILE for linearizability; prints: FILE VERDICT, operations, partitions, time.
  --format        how FILE is written (default: guessed from its first line, else its extension)
  --model         the sequential model (default: etcd for etcd logs, kv for kv logs, the header of a simlab file)
  --budget-ms     wall-clock budget per file (default ${BUDGET_MS_DEFAULT}); when it runs out the verdict is unknown
  --budget-steps  search-step budget per file (deterministic)
  --html OUT      write an HTML report: to OUT for one FILE, to OUT/<name>.html for several
  --explain       after the line of a file that is not ok, print why
Exit: 0 all ok, 1 some illegal, 3 some unknown, 2 usage or input error.`;

export interface CheckIo {
  out(line: string): void;
  err(line: string): void;
}

interface Flags {
  files: string[];
  format?: string;
  model?: string;
  budgetMs: number;
  budgetSteps?: number;
  html?: string;
  explain: boolean;
  help: boolean;
}

const VALUE_FLAGS = ['--format', '--model', '--budget-ms', '--budget-steps', '--html'] as const;

function count(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new InputError(`${flag} expects a number >= 0, got "${text}"`);
  return n;
}

function oneOf(value: string, allowed: readonly string[], what: string): string {
  if (!allowed.includes(value)) throw new InputError(`unknown ${what} "${value}": expected one of ${allowed.join(', ')}`);
  return value;
}

function parseArgs(args: readonly string[]): Flags {
  const flags: Flags = { files: [], budgetMs: BUDGET_MS_DEFAULT, explain: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') flags.help = true;
    else if (arg === '--explain') flags.explain = true;
    else if (arg.startsWith('-') && arg !== '-') {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!(VALUE_FLAGS as readonly string[]).includes(name)) throw new InputError(`unknown flag ${name}`);
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new InputError(`${name} expects a value`);
      if (name === '--format') flags.format = oneOf(value, FORMATS, 'format');
      else if (name === '--model') flags.model = oneOf(value, Object.keys(MODELS), 'model');
      else if (name === '--budget-ms') flags.budgetMs = count(value, name);
      else if (name === '--budget-steps') flags.budgetSteps = count(value, name);
      else flags.html = value;
    } else flags.files.push(arg);
  }
  return flags;
}

function resultLine(file: string, operations: number, result: CheckResult): string {
  const parts = result.partitions.length;
  let why = '';
  if (result.verdict === 'illegal') {
    const bad = result.partitions.find((p) => p.verdict === 'illegal')!;
    why = parts > 1 ? ` (partition ${JSON.stringify(bad.key)})` : '';
  } else if (result.verdict === 'unknown') {
    const undecided = result.partitions.filter((p) => p.verdict === 'unknown').length;
    why = ` (${result.stopped === 'budget-ms' ? 'time' : 'step'} budget ran out; ${undecided} undecided)`;
  }
  return `${file}: ${result.verdict}${why}, ${operations} ops, ${parts} partition${parts === 1 ? '' : 's'}, ${result.elapsedMs.toFixed(1)} ms`;
}

function htmlPathFor(flags: Flags, file: string): string {
  if (flags.files.length === 1) return flags.html!;
  mkdirSync(flags.html!, { recursive: true });
  return path.join(flags.html!, `${path.basename(file)}.html`);
}

/** Checks one file; returns its exit code (0, 1, 3). */
async function checkFile(file: string, flags: Flags, io: CheckIo): Promise<number> {
  const loaded: LoadedHistory = loadHistory(file, { format: flags.format, model: flags.model });
  const model = loaded.entry.model;
  const result = checkOperations(model, loaded.operations, { budgetMs: flags.budgetMs, budgetSteps: flags.budgetSteps });
  io.out(resultLine(file, loaded.operations.length, result));
  if (flags.explain && result.verdict !== 'ok') {
    for (const line of explain(model, loaded.operations, result).split('\n')) io.out(`  ${line}`);
  }
  if (flags.html !== undefined) {
    const out = htmlPathFor(flags, file);
    writeFileSync(out, htmlReport(model, loaded.operations, result, path.basename(file)));
    io.out(`report: ${out}`);
  }
  return result.verdict === 'ok' ? 0 : result.verdict === 'illegal' ? 1 : 3;
}

/** Rank of each exit code (the index) when files disagree: input error, then illegal, then unknown, then ok. */
const SEVERITY = [0, 2, 3, 1] as const;

export async function checkCommand(args: string[], io: CheckIo): Promise<number> {
  let flags: Flags;
  try {
    flags = parseArgs(args);
  } catch (error) {
    io.err(`simlab check: ${(error as Error).message}`);
    io.err(checkUsage.split('\n')[0]!);
    return 2;
  }
  if (flags.help) {
    io.out(checkUsage);
    return 0;
  }
  if (flags.files.length === 0) {
    io.err('simlab check: no FILE given');
    io.err(checkUsage.split('\n')[0]!);
    return 2;
  }
  let exit = 0;
  for (const file of flags.files) {
    let code: number;
    try {
      code = await checkFile(file, flags, io);
    } catch (error) {
      io.err(`simlab check: ${error instanceof InputError ? error.message : `${file}: ${(error as Error).message ?? String(error)}`}`);
      code = 2;
    }
    if (SEVERITY[code as 0 | 1 | 2 | 3] > SEVERITY[exit as 0 | 1 | 2 | 3]) exit = code;
  }
  return exit;
}
