/**
 * Failure artifacts and `simlab replay`.
 *
 * A property failure (simlab prop) writes one artifact, a JSON file holding
 * everything needed to run the failure again: the property, fast-check's
 * seed and path, the shrunk schedule, the options (--impl), the failure, the
 * trace hash and the simlab version. `simlab replay ARTIFACT` runs the saved
 * schedule and compares the trace hash: equal means the very same run; a
 * different hash means the code changed since, and says so (the schedule is
 * replayed all the same). The artifact also keeps the first failing run
 * (its path, failure and schedule, before shrinking): shrinking keeps its
 * kind and invariant (sim/property.ts), and replay shows both. Artifacts
 * written before it was kept (no "firstFailure") replay as before.
 * `simlab replay --seed S --path P PROPERTY` walks
 * fast-check's path from its seed to the same schedule, without an artifact.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureSignature, findProperty, inputAt, PathError, propertyScenario, type InputRun, type Property } from '../property.ts';
import { formatRecord, type TraceRecord } from '../trace.ts';
import type { RunOptions } from '../scenario.ts';
import { flag, flagAll, parseArgs, UsageError } from './args.ts';
import { envDeterminism } from './env.ts';
import { startRecording, withRecording, writeRunReport } from './html.ts';
import { loadImplSpecs } from './impl.ts';
import type { CliIO, Command } from './io.ts';
import { checkDeterminism, formatVirtual, runTimed } from './run.ts';
import { nameSuggestion } from './names.ts';
import { loadUserFile, loadUserFiles, relativeToArtifact, resolveFromArtifact } from './user-files.ts';

export const ARTIFACT_FORMAT = 'simlab-failure/1';
export const DEFAULT_ARTIFACT_DIR = 'simlab-artifacts';

export interface Artifact {
  readonly format: typeof ARTIFACT_FORMAT;
  /** package.json's version of the simlab that wrote it. */
  readonly simlab: string;
  readonly property: string;
  /** fast-check's seed and the path to the shrunk failure. */
  readonly seed: number;
  readonly path: string;
  /** Runs asked for (the failure was run number runsToFailure of them). */
  readonly numRuns: number;
  readonly runsToFailure: number;
  /** Node implementations the run used (ROLE=FILE) and the user's files defining the property, with paths relative to the artifact (absolute ones are read too). */
  readonly options: { readonly impl: readonly string[]; readonly files?: readonly string[] };
  readonly failure: { readonly kind: string; readonly message: string };
  readonly traceHash: string;
  readonly virtualUs: number;
  readonly events: number;
  /** The shrunk input (for Raft: the fault schedule), as the property's JSON. */
  readonly schedule: unknown;
  /** The first failing run, before shrinking (absent from artifacts of simlab before it was kept). */
  readonly firstFailure?: FirstFailure;
  /** The command that replays it. */
  readonly replay: string;
}

export interface FirstFailure {
  /** fast-check's path to it: the run index. */
  readonly path: string;
  readonly failure: { readonly kind: string; readonly message: string };
  readonly traceHash: string;
  readonly schedule: unknown;
}

/** The version in simlab's package.json (found upward from this module, in sources and in the bundle alike). */
export function simlabVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'simlab' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not ours: keep looking upward
      }
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** "prop/raft/safety" → "prop-raft-safety". */
function slug(name: string): string {
  return name.replace(/[^a-z0-9._-]+/gi, '-');
}

/** Quotes an argument for a shell command line when it needs it. */
function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that walks fast-check's (seed, path) to an input and runs it; `files` are the user's files defining the property. */
export function seedPathCommand(property: string, seed: number, path: string, files: readonly string[] = []): string {
  return `npx simlab replay ${files.map((f) => `${shellArg(f)} `).join('')}--seed ${seed} --path ${path} ${property}`;
}

/** Writes the artifact of a shrunk failure; returns its file name. */
export function writeArtifact<T>(
  dir: string,
  p: Property<T>,
  fc: { seed: number; path: string; numRuns: number; runsToFailure: number },
  implSpecs: readonly string[],
  run: InputRun<T>,
  userFiles: readonly string[] = [],
  first?: InputRun<T>,
): { file: string; artifact: Artifact } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${slug(p.name)}-seed${fc.seed}-${run.traceHash}.json`);
  const files = userFiles.map((f) => relativeToArtifact(file, f));
  const artifact: Artifact = {
    format: ARTIFACT_FORMAT,
    simlab: simlabVersion(),
    property: p.name,
    seed: fc.seed,
    path: fc.path,
    numRuns: fc.numRuns,
    runsToFailure: fc.runsToFailure,
    options: { impl: implSpecs.map((spec) => mapImplFile(spec, (f) => relativeToArtifact(file, f))), ...(files.length > 0 ? { files } : {}) },
    failure: run.failure ?? { kind: 'none', message: '' },
    traceHash: run.traceHash,
    virtualUs: run.virtualUs,
    events: run.events,
    schedule: p.toJson(run.input),
    replay: `npx simlab replay ${shellArg(file)}`,
    ...(first
      ? { firstFailure: { path: String(fc.runsToFailure - 1), failure: first.failure ?? { kind: 'none', message: '' }, traceHash: first.traceHash, schedule: p.toJson(first.input) } }
      : {}),
  };
  // The schedules laid out by the property (one action per line), the rest as usual.
  const layout = (input: T, indent: string) => (p.formatJson ? p.formatJson(input, indent) : JSON.stringify(p.toJson(input), null, 2).replace(/\n/g, `\n${indent}`));
  const marked = { ...artifact, schedule: '__schedule__', ...(artifact.firstFailure ? { firstFailure: { ...artifact.firstFailure, schedule: '__first__' } } : {}) };
  let text = JSON.stringify(marked, null, 2).replace('"__schedule__"', () => layout(run.input, '  '));
  if (first) text = text.replace('"__first__"', () => layout(first.input, '    '));
  writeFileSync(file, text + '\n');
  return { file, artifact };
}

/** ROLE=FILE with FILE mapped. */
function mapImplFile(spec: string, map: (file: string) => string): string {
  const eq = spec.indexOf('=');
  return eq < 0 ? spec : `${spec.slice(0, eq)}=${map(spec.slice(eq + 1))}`;
}

/** Reads and checks an artifact; every problem is one UsageError line naming the file. */
export function readArtifact(file: string): Artifact {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read artifact ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not a simlab artifact: not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  const bad = (why: string): never => {
    throw new UsageError(`${file} is not a simlab artifact: ${why}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) bad('not a JSON object');
  const a = json as Record<string, unknown>;
  if (a.format !== ARTIFACT_FORMAT) bad(`"format" must be "${ARTIFACT_FORMAT}", got ${JSON.stringify(a.format)}`);
  for (const k of ['simlab', 'property', 'path', 'traceHash'] as const) if (typeof a[k] !== 'string') bad(`"${k}" must be a string`);
  if (typeof a.seed !== 'number' || !Number.isSafeInteger(a.seed)) bad('"seed" must be an integer');
  if (!/^\d+(:\d+)*$/.test(a.path as string)) bad(`"path" must look like 12:0:3, got ${JSON.stringify(a.path)}`);
  const options = a.options as { impl?: unknown } | undefined;
  if (typeof options !== 'object' || options === null || !Array.isArray(options.impl) || options.impl.some((s) => typeof s !== 'string')) {
    bad('"options.impl" must be a list of ROLE=FILE strings');
  }
  const files = (options as { files?: unknown }).files;
  if (files !== undefined && (!Array.isArray(files) || files.some((f) => typeof f !== 'string'))) bad('"options.files" must be a list of file paths');
  if (!('schedule' in a)) bad('"schedule" is missing');
  if (a.firstFailure !== undefined) checkFirstFailure(a.firstFailure, bad);
  return json as Artifact;
}

function checkFirstFailure(f: unknown, bad: (why: string) => never): void {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) bad('"firstFailure" must be an object');
  const o = f as Record<string, unknown>;
  if (typeof o.path !== 'string' || !/^\d+$/.test(o.path)) bad('"firstFailure.path" must be a run index like 12');
  const failure = o.failure as Record<string, unknown> | undefined;
  if (typeof failure !== 'object' || failure === null || typeof failure.kind !== 'string' || typeof failure.message !== 'string') {
    bad('"firstFailure.failure" must have a string kind and message');
  }
  if (!('schedule' in o)) bad('"firstFailure.schedule" is missing');
}

function describeRun(name: string, seed: number, r: ReturnType<typeof runTimed>): string[] {
  const head = `${r.passed ? 'PASS' : 'FAIL'} ${name}  world seed=${seed}  virtual ${formatVirtual(r.virtualUs)}  events ${r.events}  wall ${r.wallMs.toFixed(0)}ms  trace ${r.traceHash}`;
  return r.passed ? [head] : [head, `  ${r.failure!.kind}: ${r.failure!.message}`];
}

interface ReplayOptions {
  /** The command that replays this input (shown with a nondeterminism failure, with --check-determinism). */
  readonly command: string;
  readonly tracePath: string | undefined;
  /** Where to write the HTML report, if anywhere. */
  readonly htmlFile: string | undefined;
  readonly determinism: boolean;
  readonly verbose: boolean;
  readonly impl: Record<string, unknown> | undefined;
}

/** Runs one input of a property as a replay: the schedule, the run, optionally its trace and report. Returns the run. */
async function replayInput<T>(p: Property<T>, input: T, o: ReplayOptions, io: CliIO): Promise<{ code: number; traceHash?: string }> {
  for (const line of p.describe(input)) io.out(`  ${line}`);
  const seed = p.seedOf(input);
  const scenario = propertyScenario(p, input);
  if (o.determinism) return { code: checkDeterminism(scenario, { seed, ...(o.impl ? { impl: o.impl } : {}) }, io, `${o.command} --check-determinism`) };
  const records: TraceRecord[] = [];
  const recording = o.htmlFile !== undefined ? startRecording() : undefined;
  const options: RunOptions = {
    seed,
    ...(o.impl ? { impl: o.impl } : {}),
    ...(o.tracePath !== undefined ? { onRecord: (rec: TraceRecord) => records.push(rec) } : {}),
    ...(o.verbose ? { onLog: (line: string) => io.out(`  | ${line}`) } : {}),
  };
  const r = runTimed(scenario, withRecording(options, recording));
  if (o.tracePath !== undefined) {
    const lines = records.map(formatRecord);
    if (o.tracePath === '-') for (const l of lines) io.out(l);
    else writeFileSync(o.tracePath, lines.join('\n') + '\n');
  }
  if (!r.passed && !o.verbose && r.log.length > 0) {
    io.out('  last log lines:');
    for (const l of r.log.slice(-8)) io.out(`  | ${l}`);
  }
  for (const line of describeRun(p.name, seed, r)) io.out(line);
  if (o.tracePath !== undefined && o.tracePath !== '-') io.out(`trace: ${records.length} events written to ${o.tracePath}`);
  if (recording !== undefined) io.out(`report: ${writeRunReport(recording, o.htmlFile!, `${p.name} (replay)`, r, o.command)}`);
  return { code: r.passed ? 0 : 1, traceHash: r.traceHash };
}

/** A signed fast-check seed (32-bit is what fast-check uses; any safe integer is accepted). */
export function parseFcSeed(raw: string): number {
  if (!/^-?\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new UsageError(`--seed must be an integer (fast-check's seed), got "${raw}"`);
  return Number(raw);
}

export function findPropertyOrFail(name: string): Property {
  const p = findProperty(name);
  if (!p) throw new UsageError(`unknown property "${name}"${nameSuggestion(name) || ' (see simlab prop)'}`);
  return p;
}

export const replayUsage = [
  'simlab replay ARTIFACT [--trace FILE|-] [--html FILE] [--check-determinism] [--verbose]',
  'simlab replay [FILE.ts…] --seed S --path P PROPERTY [--impl ROLE=FILE] [--trace FILE|-] [--html FILE] [--check-determinism] [--verbose]',
  '  FILE.ts               your own property file(s) (an artifact names its own, relative to itself)',
  '  ARTIFACT              a failure artifact written by simlab prop (simlab-artifacts/*.json): runs its saved',
  '                        schedule and compares the trace hash with the saved one',
  '  --seed S --path P     the seed and path fast-check reported (simlab prop, test.prop, a sweep line):',
  '                        walks fast-check to the same schedule and runs it',
  '  --trace FILE|-        write the trace, one line per event (- prints it)',
  '  --html FILE           write an HTML report of the run (one self-contained file; open it in a browser)',
  '  --check-determinism   run twice and report the first trace event that differs (or SIMLAB_CHECK_DETERMINISM=1)',
  '  --verbose             print the run log',
  '  --impl ROLE=FILE      use your own node (with --seed/--path; an artifact names its own)',
  'exit 0 if the run passes, 1 if it fails (the failure reproduced), 2 for a bad artifact or arguments',
].join('\n');

export const replayCliCommand: Command = {
  name: 'replay',
  summary: 'replay a property failure exactly, from its artifact or from fast-check\'s seed and path',
  usage: replayUsage,
  async run(args, io) {
    const p = parseArgs(args, {
      seed: { kind: 'string' },
      path: { kind: 'string' },
      trace: { kind: 'string' },
      html: { kind: 'string' },
      'check-determinism': { kind: 'boolean' },
      verbose: { kind: 'boolean' },
      impl: { kind: 'string', repeat: true },
    });
    const htmlFile = flag<string>(p, 'html');
    const seedRaw = flag<string>(p, 'seed');
    const path = flag<string>(p, 'path');
    const base = {
      tracePath: flag<string>(p, 'trace'),
      htmlFile,
      determinism: flag<boolean>(p, 'check-determinism') === true || envDeterminism(),
      verbose: flag<boolean>(p, 'verbose') === true,
    };
    const user = seedRaw !== undefined || path !== undefined ? await loadUserFiles(p.positional) : { rest: p.positional, files: [] };
    if (user.rest.length !== 1) {
      throw new UsageError('replay needs one artifact file, or --seed S --path P and one property name');
    }
    if (seedRaw !== undefined || path !== undefined) {
      if (seedRaw === undefined || path === undefined) throw new UsageError('replay needs both --seed and --path (as fast-check reported them)');
      const seed = parseFcSeed(seedRaw);
      const prop = findPropertyOrFail(user.rest[0]!);
      let input: unknown;
      try {
        input = inputAt(prop, seed, path);
      } catch (e) {
        if (e instanceof PathError) throw new UsageError(e.message);
        throw e;
      }
      const impl = await loadImplSpecs(flagAll<string>(p, 'impl'));
      io.out(`replaying ${prop.name} at fast-check seed ${seed}, path ${path}:`);
      const implFlags = flagAll<string>(p, 'impl').map((spec) => ` --impl ${spec}`).join('');
      return (await replayInput(prop, input, { ...base, impl, command: `${seedPathCommand(prop.name, seed, path, user.files)}${implFlags}` }, io)).code;
    }
    if (flagAll<string>(p, 'impl').length > 0) throw new UsageError('--impl goes with --seed/--path; an artifact names its own implementations');
    const file = p.positional[0]!;
    const artifact = readArtifact(file);
    for (const f of artifact.options.files ?? []) await loadUserFile(resolveFromArtifact(file, f));
    const prop = findProperty(artifact.property);
    if (!prop) throw new UsageError(`${file}: unknown property "${artifact.property}" (see simlab prop)`);
    let input: unknown;
    try {
      input = prop.fromJson(artifact.schedule);
    } catch (e) {
      throw new UsageError(`${file} is not a simlab artifact: its schedule is malformed: ${(e as Error).message.replace(/\s+/g, ' ')}`);
    }
    const impl = await loadImplSpecs(artifact.options.impl.map((spec) => mapImplFile(spec, (f) => resolveFromArtifact(file, f))));
    io.out(`replaying ${prop.name} from ${file} (fast-check seed ${artifact.seed}, path ${artifact.path}; written by simlab ${artifact.simlab}):`);
    if (artifact.firstFailure) {
      const f = artifact.firstFailure.failure;
      io.out(`  first failing run (path ${artifact.firstFailure.path}, before shrinking): ${f.kind}: ${f.message.slice(0, 200)}`);
      io.out(`  shrunk (kept ${failureSignature(artifact.failure)}):`);
    }
    const r = await replayInput(prop, input, { ...base, impl, command: `npx simlab replay ${shellArg(file)}` }, io);
    if (r.traceHash !== undefined) {
      if (r.traceHash === artifact.traceHash) io.out(`trace hash matches the artifact (${r.traceHash}): the same run, bit for bit`);
      else {
        io.out(
          `trace hash differs: the code changed since the artifact was written (saved ${artifact.traceHash}, now ${r.traceHash}); the saved schedule was replayed`,
        );
      }
    }
    return r.code;
  },
};
