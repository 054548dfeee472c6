/**
 * simlab as a package, used as a user would: `npm pack`, the tarball
 * installed into a scratch project outside the repository (its dependencies
 * linked from this checkout's node_modules: the machine is offline), then a
 * scenario file of the project's own run through the CLI, the project's
 * TypeScript checked against the package's types, and a `test.prop` run
 * through vitest — whose failure prints a simlab command that replays it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const LINKED = ['fast-check', 'immer', 'xstate', 'esbuild', 'vitest', '@fast-check/vitest', '@types/node', 'typescript'];

let project = '';

function sh(command: string): { status: number | null; out: string } {
  const r = spawnSync('sh', ['-c', command], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', PATH: `${join(project, 'node_modules', '.bin')}:${process.env.PATH}` } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'simlab-pack-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string }[];
  project = join(work, 'project');
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@fast-check'), { recursive: true });
  mkdirSync(join(modules, '@types'));
  mkdirSync(join(modules, '.bin'));
  execFileSync('tar', ['-xzf', join(work, packed[0]!.filename), '-C', work]);
  renameSync(join(work, 'package'), join(modules, 'simlab'));
  symlinkSync('../simlab/bin/simlab.mjs', join(modules, '.bin', 'simlab'));
  for (const dep of LINKED) symlinkSync(join(repo, 'node_modules', dep), join(modules, dep));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-labs', private: true, type: 'module' }, null, 2));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] } }, null, 2),
  );
  copyFileSync(join(repo, 'scenarios', 'testdata', 'user-scenario.ts'), join(project, 'my-scenario.ts'));
  copyFileSync(join(repo, 'scenarios', 'testdata', 'user-property.ts'), join(project, 'props.ts'));
  writeFileSync(
    join(project, 'raft.test.ts'),
    [
      "import { test } from '@fast-check/vitest';",
      "import { findProperty, raftSafety, replayReporter, runInput } from 'simlab';",
      "import './props.ts';",
      '',
      "test.prop([raftSafety.arbitrary], { numRuns: 3, reporter: replayReporter(raftSafety) })('Raft survives any schedule', (schedule) => {",
      '  const r = runInput(raftSafety, schedule);',
      '  if (!r.passed) throw new Error(`${r.failure!.kind}: ${r.failure!.message}`);',
      '});',
      '',
      "const threeDown = findProperty('prop/mine/three-down')!;",
      "test.prop([threeDown.arbitrary], { numRuns: 3, seed: 7, reporter: replayReporter(threeDown, 'props.ts') })('two servers of five commit', (input) => {",
      '  const r = runInput(threeDown, input);',
      '  if (!r.passed) throw new Error(`${r.failure!.kind}: ${r.failure!.message}`);',
      '});',
      '',
    ].join('\n'),
  );
});

describe('the packed package in a project of its own', () => {
  it('runs a scenario file of the project through the CLI', () => {
    const r = sh('npx simlab run my-scenario.ts --seed 2');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/^PASS mine\/leader-and-follower-cut {2}seed=2 /m);
    expect(sh('npx simlab --version').out.trim()).toBe(`simlab ${JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version}`);
  });

  it("type-checks the project's files against the package's types", () => {
    const r = sh(`node ${join(project, 'node_modules', 'typescript', 'bin', 'tsc')} -p . --allowImportingTsExtensions`);
    expect(r.status, r.out).toBe(0);
  });

  it('runs test.prop through vitest; a failure prints the simlab command, which replays it', () => {
    const r = sh('node node_modules/vitest/vitest.mjs run --reporter=verbose');
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/✓ .*Raft survives any schedule/);
    const replay = /replay with simlab: (npx simlab replay props\.ts --seed 7 --path [\d:]+ prop\/mine\/three-down)/.exec(r.out);
    expect(replay, r.out).not.toBeNull();
    const again = sh(replay![1]!);
    expect(again.status, again.out).toBe(1);
    expect(again.out).toMatch(/^FAIL prop\/mine\/three-down {2}world seed=\d+ /m);
    expect(again.out).toMatch(/one\(7\) failed to reach agreement/);
  });
});
