/**
 * Command-line parsing for simlab's commands: flags declared per command,
 * strict values, one-sentence errors (raised as UsageError, which the CLI
 * prints as one line and exits 2 for).
 */
import { SEED_MAX } from '../prng.ts';

export class UsageError extends Error {}

/** 'optional-int': `--name` alone (value 1), or `--name N` / `--name=N`. */
export type FlagKind = 'boolean' | 'string' | 'int' | 'optional-int' | 'seed';

export interface FlagSpec {
  readonly kind: FlagKind;
  /** Allowed more than once (values collected in order). */
  readonly repeat?: boolean;
}

export interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, unknown[]>;
}

/** Parses `--name value`, `--name=value` and boolean `--name`; `--` ends flags. */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, unknown[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = spec[name];
    if (s === undefined) throw unknownOption(name, Object.keys(spec));
    let raw: string | undefined;
    if (s.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
    } else if (s.kind === 'optional-int') {
      raw = eq >= 0 ? arg.slice(eq + 1) : /^\d+$/.test(argv[i + 1] ?? '') ? argv[++i] : '1';
    } else {
      raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    }
    const value = s.kind === 'boolean' ? true : parseValue(name, s.kind, raw!);
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !s.repeat) throw new UsageError(`--${name} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
}

/** "unknown option --seeed (did you mean --seed?)". */
function unknownOption(name: string, known: readonly string[]): UsageError {
  const best = closest(name, known);
  const hint = best !== undefined ? ` (did you mean --${best}?)` : '';
  return new UsageError(`unknown option --${name}${hint}${known.length > 0 ? `; options: ${known.map((k) => `--${k}`).join(', ')}` : ''}`);
}

/** Edit distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate closest to `typed` when it is close enough to be a typo, else undefined. */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(typed.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(typed.length / 3)) ? best : undefined;
}

export function parseSeed(raw: string, what = '--seed'): number {
  if (!/^\d{1,16}$/.test(raw) || Number(raw) > SEED_MAX) {
    throw new UsageError(`${what} must be an integer from 0 to ${SEED_MAX}, got "${raw}"`);
  }
  return Number(raw);
}

/** "7", "1..200" (inclusive), or "1,5,9". */
export function parseSeeds(raw: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(raw);
  if (range) {
    const lo = parseSeed(range[1]!, '--seeds');
    const hi = parseSeed(range[2]!, '--seeds');
    if (hi < lo) throw new UsageError(`--seeds range ${raw} is empty (the end is before the start)`);
    if (hi - lo >= 10_000_000) throw new UsageError(`--seeds range ${raw} has more than 10,000,000 seeds`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  if (/^\d+(,\d+)*$/.test(raw)) return raw.split(',').map((s) => parseSeed(s, '--seeds'));
  throw new UsageError(`--seeds must look like 7, 1..200 or 1,5,9, got "${raw}"`);
}

function parseValue(name: string, kind: FlagKind, raw: string): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'int':
    case 'optional-int':
      if (!/^\d{1,15}$/.test(raw)) throw new UsageError(`--${name} must be a non-negative integer, got "${raw}"`);
      return Number(raw);
    case 'seed':
      return parseSeed(raw, `--${name}`);
    default:
      return raw;
  }
}

export function flag<T>(p: Parsed, name: string): T | undefined {
  return p.flags.get(name)?.[0] as T | undefined;
}

export function flagAll<T>(p: Parsed, name: string): T[] {
  return (p.flags.get(name) ?? []) as T[];
}
