/**
 * `--impl ROLE=FILE`: bring your own node. FILE is a TypeScript or
 * JavaScript module exporting the NodeDef (as `default`, or under the role's
 * name, e.g. `export const raft = …`). It is bundled with esbuild on the fly
 * (so it may import simlab's own modules) and loaded once per process.
 *
 * User files (nodes, scenarios, properties) are bundled with an inline
 * source map, so a crash in them names `file.ts:LINE:COL`; their imports of
 * 'simlab' and 'fast-check' are the CLI's own modules (see setHostModules),
 * so a `defineScenario` in them lands in the CLI's registry.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closest, flagAll, UsageError, type Parsed } from './args.ts';
import type { CliIO } from './io.ts';
import { knownRoles, roleAsks } from '../scenario.ts';

export type ImplSpec = readonly string[];

/** The --impl values of a parsed command line, loaded. */
export async function loadImpl(p: Parsed): Promise<Record<string, unknown> | undefined> {
  return loadImplSpecs(flagAll<string>(p, 'impl'));
}

export async function loadImplSpecs(specs: ImplSpec): Promise<Record<string, unknown> | undefined> {
  if (specs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const m = /^([a-z][a-z0-9-]*)=(.+)$/i.exec(spec);
    if (!m) throw new UsageError(`--impl must look like ROLE=FILE (e.g. raft=./my-raft.ts), got "${spec}"`);
    const role = m[1]!;
    checkRole(role);
    const file = resolve(m[2]!);
    if (!existsSync(file)) throw new UsageError(`--impl ${role}: no file at ${file}`);
    const mod = await importUserModule(file);
    const def = (mod[role] ?? mod.default) as { step?: unknown; init?: unknown } | undefined;
    if (!def || typeof def.step !== 'function' || typeof def.init !== 'function') {
      throw new UsageError(`--impl ${role}: ${m[2]} must export a node definition (init and step) as default or as "${role}"`);
    }
    out[role] = def;
  }
  return out;
}

/** An unknown role is a usage error naming the roles there are. */
function checkRole(role: string): void {
  const roles = knownRoles();
  if (roles.size === 0 || roles.has(role)) return;
  const hint = closest(role, roles.keys());
  throw new UsageError(`--impl ${role}: no scenario takes a node for role "${role}"${hint ? ` (did you mean ${hint}?)` : ''}; roles: ${[...roles.keys()].join(', ')} (a scenario file of your own declares its roles with defineRole)`);
}

const roleOf = (spec: string) => spec.slice(0, spec.indexOf('='));

/** Before the runs: how often each --impl role has been asked for so far (see reportUnusedRoles). */
export function roleMarks(specs: readonly string[]): number[] {
  return specs.map((s) => roleAsks(roleOf(s)));
}

/** The --impl roles some run asked for since `marks` were read. */
export function rolesUsedSince(specs: readonly string[], marks: readonly number[]): string[] {
  return specs.filter((spec, i) => roleAsks(roleOf(spec)) !== marks[i]).map(roleOf);
}

/** After the runs: an --impl role that is not among `used` is reported (the scenarios that ran use other roles). */
export function reportUnusedRoles(specs: readonly string[], used: readonly string[], io: CliIO): void {
  for (const role of specs.map(roleOf)) {
    if (!used.includes(role)) io.err(`note: --impl ${role} was not used: no scenario that ran takes a ${role} node`);
  }
}

/** Modules a user file's imports resolve to, by specifier: the running CLI's own instances. */
let hostModules: Readonly<Record<string, Record<string, unknown>>> = {};
const HOST_KEY = Symbol.for('simlab.host-modules');

/** Makes `import … from 'simlab'` (and the other specifiers given) in user files mean these very modules. */
export function setHostModules(modules: Readonly<Record<string, Record<string, unknown>>>): void {
  hostModules = modules;
  (globalThis as Record<symbol, unknown>)[HOST_KEY] = modules;
}

/** An esbuild plugin that turns imports of the host modules into reads of the ones already loaded. */
function hostModulesPlugin(): import('esbuild').Plugin {
  const names = Object.keys(hostModules);
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})$`);
  return {
    name: 'simlab-host-modules',
    setup(build) {
      if (names.length === 0) return;
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'simlab-host' }));
      build.onLoad({ filter: /.*/, namespace: 'simlab-host' }, (args) => {
        const keys = Object.keys(hostModules[args.path]!).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
        const ref = `globalThis[Symbol.for(${JSON.stringify(HOST_KEY.description)})][${JSON.stringify(args.path)}]`;
        return { contents: `const m = ${ref};\nexport const { ${keys.join(', ')} } = m;\nexport default m.default ?? m;\n`, loader: 'js' };
      });
    },
  };
}

/** "file.ts:3:14: Expected ';' but found 'x'" from esbuild's first error. */
function buildError(e: unknown): string {
  const first = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
  if (!first) return String(e);
  const at = first.location;
  return at ? `${at.file}:${at.line}:${at.column + 1}: ${first.text}` : first.text;
}

/** Bundles a user file (with an inline source map) and imports it; one line names the file and place of a build error. */
export async function importUserModule(file: string, what = '--impl'): Promise<Record<string, unknown>> {
  const esbuild = await import('esbuild');
  const dir = join(process.cwd(), '.cache', 'simlab-impl');
  mkdirSync(dir, { recursive: true });
  let code: string;
  try {
    const r = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      outdir: dir,
      sourcemap: 'inline',
      sourcesContent: false,
      plugins: [hostModulesPlugin()],
      logLevel: 'silent',
    });
    code = r.outputFiles[0]!.text;
  } catch (e) {
    throw new UsageError(`${what}: cannot build ${file}: ${buildError(e)}`);
  }
  // Named by content: a changed file is a new module; the same one is imported once.
  const out = join(dir, createHash('sha1').update(file).update(code).digest('hex').slice(0, 12) + '.mjs');
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, out); // atomic: sweep workers may build the same file at once
  }
  process.setSourceMapsEnabled(true);
  return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
}
