/**
 * What `npm run mutation` mutates and which checks try to kill the mutants
 * (read by scenarios/mutation/run.ts, stryker.config.mjs's caller, and by
 * vitest.mutation.config.ts and the two *.mut.ts files inside Stryker's
 * test runs, through the SIMLAB_MUTATE variable).
 *
 * A target is a file or folder under protocols/. Each protocol folder brings
 * its checks: its own unit tests (protocols/DIR/**\/*.test.ts, the new
 * *.mutation.test.ts among them), the catalog scenarios of its lab on the
 * fixed seeds, and the properties of its lab at the fixed budget.
 */

/** The catalog's fixed seeds, and each property's fast-check seed and inputs. */
export const MUTATION_SEEDS: readonly number[] = [1, 2, 3];
export const MUTATION_FC_SEED = 1;
export const MUTATION_PROPERTY_RUNS = 200;

/**
 * Per protocol folder: the scenario and property name prefixes that exercise
 * it, and the modules under scenarios/ that register them (only those are
 * imported: Stryker's runner evaluates them again for every mutant, and the
 * whole catalog's modules cost seconds).
 */
export const PROTOCOL_CHECKS: Readonly<
  Record<string, { readonly scenarios: readonly string[]; readonly properties: readonly string[]; readonly modules: readonly string[] }>
> = {
  raft: { scenarios: ['raft/'], properties: ['prop/raft/'], modules: ['raft/index.ts', 'properties/raft.ts'] },
  kvsrv: { scenarios: ['kvsrv/'], properties: [], modules: ['kvsrv/index.ts'] },
  mapreduce: { scenarios: ['mr/', 'mrx/'], properties: [], modules: ['mr/index.ts', 'mrx/index.ts'] },
  rsm: { scenarios: ['kvraft/'], properties: ['prop/kvraft/'], modules: ['kvraft/index.ts', 'properties/kvraft.ts'] },
  kvraft: { scenarios: ['kvraft/'], properties: ['prop/kvraft/'], modules: ['kvraft/index.ts', 'properties/kvraft.ts'] },
  shardctrler: { scenarios: ['shardctrler/'], properties: [], modules: ['shardctrler/index.ts'] },
  shardkv: { scenarios: ['shardkv/'], properties: ['prop/shardkv/'], modules: ['shardkv/index.ts', 'properties/shardkv.ts'] },
};

/** The targets of a bare `npm run mutation`. */
export const DEFAULT_TARGETS: readonly string[] = ['protocols/raft', 'protocols/kvsrv', 'protocols/mapreduce'];

/** Files never mutated: tests, testkits, Raft's script helper and the trace describers (test and trace tooling, as npm run coverage excludes them). */
export const NOT_MUTATED: readonly string[] = ['protocols/**/*.test.ts', 'protocols/**/testkit.ts', 'protocols/raft/script.ts', 'protocols/**/describe.ts'];

/** The protocol folder of a target ("protocols/raft/log.ts" → "raft"), or an error naming the bad target. */
export function protocolOf(target: string): string {
  const m = /^protocols\/([a-z]+)(\/[\w./-]*)?$/.exec(target.replace(/\/+$/, ''));
  if (!m || !(m[1]! in PROTOCOL_CHECKS)) {
    throw new Error(`mutation target must be a file or folder under protocols/ (${Object.keys(PROTOCOL_CHECKS).map((p) => `protocols/${p}`).join(', ')}), got "${target}"`);
  }
  if (m[2] !== undefined && m[2].endsWith('.test.ts')) throw new Error(`mutation target "${target}" is a test file; name the source it tests`);
  return m[1]!;
}

/** The targets that SIMLAB_MUTATE names (comma-separated), else the default ones. */
export function mutationTargets(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const raw = env.SIMLAB_MUTATE;
  const list = raw === undefined || raw === '' ? [...DEFAULT_TARGETS] : raw.split(',').filter((t) => t !== '');
  for (const t of list) protocolOf(t);
  return list;
}

/** The protocol folders the targets lie in (their checks are the ones that run). */
export function mutationProtocols(targets: readonly string[]): string[] {
  return [...new Set(targets.map(protocolOf))].sort();
}

/** Stryker's mutate globs for the targets: a folder means its .ts files, less NOT_MUTATED. */
export function mutateGlobs(targets: readonly string[]): string[] {
  const globs = targets.map((t) => {
    const clean = t.replace(/\/+$/, '');
    return clean.endsWith('.ts') ? clean : `${clean}/**/*.ts`;
  });
  return [...globs, ...NOT_MUTATED.map((g) => `!${g}`)];
}

/** The scenario and property name prefixes of the targets' protocols, and the modules (relative to scenarios/) that register them. */
export function checkPrefixes(targets: readonly string[]): { scenarios: string[]; properties: string[]; modules: string[] } {
  const protocols = mutationProtocols(targets);
  return {
    scenarios: [...new Set(protocols.flatMap((p) => PROTOCOL_CHECKS[p]!.scenarios))],
    properties: [...new Set(protocols.flatMap((p) => PROTOCOL_CHECKS[p]!.properties))],
    modules: [...new Set(protocols.flatMap((p) => PROTOCOL_CHECKS[p]!.modules))],
  };
}

/** A file-name-safe name for a set of targets (the incremental file and the report are kept per set). */
export function targetsName(targets: readonly string[]): string {
  return [...targets]
    .map((t) => t.replace(/\/+$/, '').replace(/^protocols\//, '').replace(/\.ts$/, '').replace(/[^\w-]+/g, '-'))
    .sort()
    .join('+');
}
