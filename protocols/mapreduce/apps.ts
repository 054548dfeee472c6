/**
 * The MapReduce applications of the lab's test script (Go plugins under
 * src/mrapps), re-expressed as pure functions. Where a Go plugin sleeps, the
 * simulated app declares a virtual duration; where it touches the directory,
 * it declares file effects (applied when the call starts or when it ends);
 * where it calls os.Exit, it returns a crash. The worker turns these into
 * timers and outputs, so an app never reads a clock or a random source of
 * its own: only the `AppContext` it is given.
 */
import { type FileView, type Output, type Prng, utf8Length } from '../../sim/contract.ts';
import { compareUtf8 } from './ihash.ts';
import type { KeyValue } from './types.ts';

export interface AppContext {
  /** The worker's process id (os.Getpid()). */
  readonly pid: number;
  /** Virtual time when the call starts, in microseconds. */
  readonly nowUs: number;
  /** The worker's random stream. */
  readonly rng: Prng;
  /** The shared directory as it is when the call starts. */
  readonly fs: FileView;
  /** How many calls of this kind (map, or reduce) this worker process made before this one. */
  readonly callIndex: number;
}

/** A change an app makes to the shared directory. */
export type FsEffect = Extract<Output, { kind: 'writeFile' } | { kind: 'removeFile' }>;

export type AppOutcome<T> =
  /** The process exits at once with `code`, before producing anything. */
  | { readonly kind: 'crash'; readonly code: number }
  /**
   * The call returns `result` after `durationUs` of virtual time; `atStart`
   * effects apply when it starts, `atEnd` effects when it returns.
   */
  | {
      readonly kind: 'ok';
      readonly result: T;
      readonly durationUs: number;
      readonly atStart: readonly FsEffect[];
      readonly atEnd: readonly FsEffect[];
    };

export interface MrApp {
  readonly name: string;
  map(file: string, contents: string, ctx: AppContext): AppOutcome<KeyValue[]>;
  reduce(key: string, values: readonly string[], ctx: AppContext): AppOutcome<string>;
}

const NONE: readonly FsEffect[] = [];

function ok<T>(result: T, durationUs = 0, atStart = NONE, atEnd = NONE): AppOutcome<T> {
  return { kind: 'ok', result, durationUs, atStart, atEnd };
}

const LETTER = /\p{L}/u;

/** Whether a surrogate pair starts at i (a high surrogate followed by a low one). */
function pairAt(text: string, i: number, c: number): boolean {
  if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

function isLetterAt(text: string, i: number, c: number, pair: boolean): boolean {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return LETTER.test(pair ? text.slice(i, i + 2) : text[i]!);
}

/**
 * The words of a text: maximal runs of Unicode letters, as Go's
 * strings.FieldsFunc(contents, not unicode.IsLetter).
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = pairAt(text, i, c);
    if (isLetterAt(text, i, c, pair)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.push(text.slice(start, i));
      start = -1;
    }
    if (pair) i++;
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

/** Values sorted bytewise and joined by spaces (the reduce of mtiming, crash, nocrash). */
function sortedJoin(values: readonly string[]): string {
  return [...values].sort(compareUtf8).join(' ');
}

/** Go's fmt "%.1f" of a virtual time in seconds (round half to even on the exact value). */
export function formatSecondsTenths(nowUs: number): string {
  let tenths = Math.floor(nowUs / 100_000);
  const rest = nowUs - tenths * 100_000;
  if (rest > 50_000 || (rest === 50_000 && tenths % 2 === 1)) tenths++;
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/**
 * Go's nparallel(phase): a marker for the whole call, the count of markers
 * seen (own included), 1 s. Go skips markers of dead pids; a simulated app
 * cannot see other processes, so a killed worker's marker still counts (the
 * timing tests kill no worker).
 */
function nparallel(phase: string, ctx: AppContext): { count: number; atStart: FsEffect[]; atEnd: FsEffect[] } {
  const prefix = `mr-worker-${phase}-`;
  const mine = `${prefix}${ctx.pid}`;
  let count = 1;
  for (const name of ctx.fs.list(prefix)) {
    if (name !== mine && /^\d+$/.test(name.slice(prefix.length))) count++;
  }
  return {
    count,
    atStart: [{ kind: 'writeFile', name: mine, data: 'x' }],
    atEnd: [{ kind: 'removeFile', name: mine }],
  };
}

export const nparallelSleepUs = 1_000_000;

export const wc: MrApp = {
  name: 'wc',
  map: (_file, contents) => ok(splitWords(contents).map((w): KeyValue => [w, '1'])),
  reduce: (_key, values) => ok(String(values.length)),
};

export const indexer: MrApp = {
  name: 'indexer',
  map(file, contents) {
    const distinct = new Set(splitWords(contents));
    const kvs: KeyValue[] = [];
    for (const w of distinct) kvs.push([w, file]);
    return ok(kvs);
  },
  reduce(_key, values) {
    const docs = [...values].sort(compareUtf8);
    return ok(`${docs.length} ${docs.join(',')}`);
  },
};

export const mtiming: MrApp = {
  name: 'mtiming',
  map(_file, _contents, ctx) {
    const started = formatSecondsTenths(ctx.nowUs);
    const { count, atStart, atEnd } = nparallel('map', ctx);
    const kvs: KeyValue[] = [
      [`times-${ctx.pid}`, started],
      [`parallel-${ctx.pid}`, String(count)],
    ];
    return ok(kvs, nparallelSleepUs, atStart, atEnd);
  },
  reduce: (_key, values) => ok(sortedJoin(values)),
};

export const rtiming: MrApp = {
  name: 'rtiming',
  map: () => ok(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((k): KeyValue => [k, '1'])),
  reduce(_key, _values, ctx) {
    const { count, atStart, atEnd } = nparallel('reduce', ctx);
    return ok(String(count), nparallelSleepUs, atStart, atEnd);
  },
};

/** jobcount's map sleeps 2000 + U[0, 2999] ms. */
export const jobcountSleepUsMin = 2_000_000;
export const jobcountSleepMsSpread = 3000;

export const jobcount: MrApp = {
  name: 'jobcount',
  map(_file, _contents, ctx) {
    const marker: FsEffect = { kind: 'writeFile', name: `mr-worker-jobcount-${ctx.pid}-${ctx.callIndex}`, data: 'x' };
    const sleepUs = jobcountSleepUsMin + ctx.rng.below(jobcountSleepMsSpread) * 1000;
    return ok([['a', 'x']], sleepUs, [marker]);
  },
  reduce: (_key, _values, ctx) => ok(String(ctx.fs.list('mr-worker-jobcount').length)),
};

export const earlyExitSleepUs = 3_000_000;

export const earlyExit: MrApp = {
  name: 'early_exit',
  map: (file) => ok([[file, '1']]),
  reduce(key, values) {
    const slow = key.includes('sherlock') || key.includes('tom');
    return ok(String(values.length), slow ? earlyExitSleepUs : 0);
  },
};

/** crash: per call, exit with probability 330/1000, else stall U[0, 9999] ms with probability 330/1000. */
function maybeCrash<T>(ctx: AppContext, result: T): AppOutcome<T> {
  const r = ctx.rng.below(1000);
  if (r < 330) return { kind: 'crash', code: 1 };
  if (r < 660) return ok(result, ctx.rng.below(10_000) * 1000);
  return ok(result);
}

function crashMapResult(file: string, contents: string): KeyValue[] {
  return [
    ['a', file],
    ['b', String(utf8Length(file))],
    ['c', String(utf8Length(contents))],
    ['d', 'xyzzy'],
  ];
}

export const crash: MrApp = {
  name: 'crash',
  map: (file, contents, ctx) => maybeCrash(ctx, crashMapResult(file, contents)),
  reduce: (_key, values, ctx) => maybeCrash(ctx, sortedJoin(values)),
};

export const nocrash: MrApp = {
  name: 'nocrash',
  map: (file, contents) => ok(crashMapResult(file, contents)),
  reduce: (_key, values) => ok(sortedJoin(values)),
};

/** Keys every multikey_crash map emits: enough that each of the 10 reduce partitions holds several. */
export const multikeyKeys = 40;

/** multikey_crash: per call, exit with probability 100/1000, else stall U[0, 1999] ms with probability 400/1000. */
function maybeCrashMildly<T>(ctx: AppContext, result: T): AppOutcome<T> {
  const r = ctx.rng.below(1000);
  if (r < 100) return { kind: 'crash', code: 1 };
  if (r < 500) return ok(result, ctx.rng.below(2000) * 1000);
  return ok(result);
}

function multikeyMapResult(file: string, contents: string): KeyValue[] {
  return Array.from({ length: multikeyKeys }, (_, k): KeyValue => [`k${String(k).padStart(2, '0')}`, `${file}:${utf8Length(contents) % (k + 7)}`]);
}

/**
 * Not a Go plugin (simlab only): crash's failures with reduces that hold
 * several keys each, so a worker can die or stall between the keys of one
 * reduce, half way through writing its output; nocrash's counterpart is
 * multikey_nocrash.
 */
export const multikeyCrash: MrApp = {
  name: 'multikey_crash',
  map: (file, contents, ctx) => maybeCrashMildly(ctx, multikeyMapResult(file, contents)),
  reduce: (_key, values, ctx) => maybeCrashMildly(ctx, sortedJoin(values)),
};

export const multikeyNocrash: MrApp = {
  name: 'multikey_nocrash',
  map: (file, contents) => ok(multikeyMapResult(file, contents)),
  reduce: (_key, values) => ok(sortedJoin(values)),
};

/** The applications by the name the test script loads them with (wc.so → "wc"), and simlab's own multikey ones. */
export const mrApps: Record<string, MrApp> = {
  wc,
  indexer,
  mtiming,
  rtiming,
  jobcount,
  early_exit: earlyExit,
  crash,
  nocrash,
  multikey_crash: multikeyCrash,
  multikey_nocrash: multikeyNocrash,
};
