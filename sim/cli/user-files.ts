/**
 * Scenario and property files of the user's own: `simlab run|sweep|prop|
 * list|replay FILE.ts …`. A command-line argument naming an existing .ts,
 * .mts, .js or .mjs file is bundled and imported (impl.ts); the scenarios and
 * properties it defines (with `defineScenario`/`defineProperty` from
 * 'simlab') join the registries for this run.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, dirname } from 'node:path';
import { allProperties } from '../property.ts';
import { allScenarios } from '../scenario.ts';
import { UsageError } from './args.ts';
import { importUserModule } from './impl.ts';

export function isUserFile(arg: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(arg) && existsSync(arg) && statSync(arg).isFile();
}

/** Names each file defined, by absolute path (an import runs once per process, so the first load is remembered). */
const definedBy = new Map<string, string[]>();

function registeredNames(): Set<string> {
  return new Set([...allScenarios(), ...allProperties()].map((x) => x.name));
}

/** Loads one user file; returns the names of the scenarios and properties it defines. */
export async function loadUserFile(file: string): Promise<string[]> {
  const abs = resolve(file);
  const known = definedBy.get(abs);
  if (known) return known;
  if (!isUserFile(abs)) throw new UsageError(`no scenario file at ${abs}`);
  const before = registeredNames();
  await importUserModule(abs, file);
  const defined = [...registeredNames()].filter((n) => !before.has(n));
  if (defined.length === 0) {
    throw new UsageError(`${file} defines no scenario or property (call defineScenario or defineProperty imported from 'simlab')`);
  }
  definedBy.set(abs, defined);
  return defined;
}

export interface UserFiles {
  /** The arguments that are not files. */
  readonly rest: string[];
  /** The files loaded, as given. */
  readonly files: string[];
  /** The names they define, in order. */
  readonly defined: string[];
}

/** Loads every argument that names a file; the others are returned as they were. */
export async function loadUserFiles(args: readonly string[]): Promise<UserFiles> {
  const rest: string[] = [];
  const files: string[] = [];
  const defined: string[] = [];
  for (const a of args) {
    if (!isUserFile(a)) {
      rest.push(a);
      continue;
    }
    files.push(a);
    for (const n of await loadUserFile(a)) if (!defined.includes(n)) defined.push(n);
  }
  return { rest, files, defined };
}

/** A file path as an artifact in `dir` records it: relative to the artifact, so the pair can move together. */
export function relativeToArtifact(artifactFile: string, file: string): string {
  return relative(dirname(resolve(artifactFile)), resolve(file));
}

/** A path recorded in an artifact, resolved against the artifact's folder. */
export function resolveFromArtifact(artifactFile: string, recorded: string): string {
  return resolve(dirname(resolve(artifactFile)), recorded);
}
