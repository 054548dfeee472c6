/**
 * `--impl ROLE=FILE`: bring your own node. FILE is a TypeScript or
 * JavaScript module exporting the NodeDef (as `default`, or under the role's
 * name, e.g. `export const raft = …`). It is bundled with esbuild on the fly
 * (so it may import simlab's own modules) and loaded once per process.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flagAll, UsageError, type Parsed } from './args.ts';

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

async function importUserModule(file: string): Promise<Record<string, unknown>> {
  const esbuild = await import('esbuild');
  const dir = join(process.cwd(), '.cache', 'simlab-impl');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, createHash('sha1').update(file).digest('hex').slice(0, 12) + '.mjs');
  try {
    await esbuild.build({ entryPoints: [file], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'silent' });
  } catch (e) {
    const first = (e as { errors?: { text: string }[] }).errors?.[0]?.text ?? String(e);
    throw new UsageError(`--impl: cannot build ${file}: ${first}`);
  }
  return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
}
