/**
 * The README's examples run as written: every TypeScript block is written to
 * .cache/readme/ (under the name its first comment line gives, e.g.
 * `// my-scenario.ts`), type-checked with the project's settings, and run —
 * scenarios it defines must pass for seed 1, properties it defines must pass
 * 5 generated inputs, a node definition it exports must start and answer
 * GetState, and its vitest tests (test.prop) are tests of this file. The
 * command its first line gives ("run with: npx simlab …") must pass too, run
 * by the CLI in .cache/readme.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allProperties, checkProperty } from '../sim/property.ts';
import { allScenarios, runScenario } from '../sim/scenario.ts';
import { sleep } from '../sim/task.ts';
import type { NodeDef } from '../sim/node.ts';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, '.cache', 'readme');

interface Block {
  readonly file: string;
  readonly code: string;
  readonly line: number;
  /** The arguments of the `npx simlab` command after "run with:" on its first line. */
  readonly command?: string[];
}

function readmeBlocks(): Block[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks: Block[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const code = m[1]!;
    const named = /^\/\/ ([\w.-]+\.ts)\b/.exec(code);
    const line = text.slice(0, m.index).split('\n').length;
    const command = /^\/\/ .*run with: npx simlab ([^(\n]+?)\s*(\(|$)/m.exec(code.split('\n')[0]!)?.[1]!.split(/\s+/);
    blocks.push({ file: named ? named[1]! : `readme-line-${line}.ts`, code, line, ...(command ? { command } : {}) });
  }
  return blocks;
}

const blocks = readmeBlocks();
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const b of blocks) writeFileSync(join(dir, b.file), b.code);
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { paths: { simlab: ['../../lib/index.ts'] } }, include: ['*.ts'] }));

const isTestFile = (b: Block) => /\btest\.prop\(|\b(it|test)\(/.test(b.code);
// Vitest blocks define tests of this file: they are imported while it is collected.
for (const b of blocks.filter(isTestFile)) await import(pathToFileURL(join(dir, b.file)).href);

describe('README', () => {
  for (const b of blocks.filter((x) => x.command !== undefined)) {
    it(`the command of ${b.file} passes: npx simlab ${b.command!.join(' ')}`, () => {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'simlab.mjs'), ...b.command!], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SIMLAB_SEED: '1' } }); // a fixed seed: the same runs every time
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  }

  it('has TypeScript blocks, and they type-check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const b of blocks.filter((x) => !isTestFile(x))) {
    it(`the block at README.md line ${b.line} (${b.file}) runs`, async () => {
      const scenariosBefore = new Set(allScenarios());
      const propertiesBefore = new Set(allProperties());
      const mod = (await import(pathToFileURL(join(dir, b.file)).href)) as { default?: NodeDef<unknown, unknown> };
      const scenarios = allScenarios().filter((s) => !scenariosBefore.has(s));
      const properties = allProperties().filter((p) => !propertiesBefore.has(p));
      expect(scenarios.length + properties.length + (mod.default ? 1 : 0), 'the block defines nothing to run').toBeGreaterThan(0);
      for (const s of scenarios) {
        const r = runScenario(s, { seed: 1 });
        expect(r.failure, s.name).toBeUndefined();
      }
      for (const p of properties) expect(checkProperty(p, { seed: 1, numRuns: 5 }).failed, p.name).toBe(false);
      if (mod.default) {
        const def = mod.default;
        let answer: unknown;
        const r = runScenario(
          {
            name: `readme/${b.file}`,
            description: 'starts the node and asks for its state',
            *run(t) {
              const host = t.world.startNode({ name: '0', def, config: { me: 0, peers: 3 } });
              yield* sleep(100_000);
              answer = host.callSync('getState');
            },
          },
          { seed: 1 },
        );
        expect(r.failure).toBeUndefined();
        expect(answer).toEqual({ term: 0, isLeader: false });
      }
    });
  }
});
