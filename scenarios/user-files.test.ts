/**
 * Names a person types and files of their own, through the CLI in process:
 * patterns and Go test names, did-you-mean, roles, --version; scenario and
 * property files loaded with their 'simlab' imports bound to this process's
 * registries, artifacts that name such files relative to themselves.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import './index.ts';
import * as simlab from '../lib/index.ts';
import { main } from '../sim/cli/main.ts';
import { setHostModules } from '../sim/cli/impl.ts';
import { goTestMatches } from '../sim/cli/names.ts';
import { allScenarios } from '../sim/scenario.ts';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

beforeAll(() => setHostModules({ simlab, 'fast-check': { ...fc, default: fc } }));

describe('names', () => {
  it('Go test names and bare test names map to their scenarios, any case', () => {
    const name = (typed: string) => goTestMatches(typed, allScenarios()).map((s) => s.name);
    expect(name('TestBackup3B')).toEqual(['raft/3B/backup']);
    expect(name('backup')).toEqual(['raft/3B/backup']);
    expect(name('BACKUP')).toEqual(['raft/3B/backup']);
    expect(name('TestSnapshotInstall3D')).toEqual(['raft/3D/install']);
    expect(name('TestSnapshotInstallUnCrash3D')).toEqual(['raft/3D/install-uncrash']);
    expect(name('TestPersist13C')).toEqual(['raft/3C/persist1']);
    expect(name('persist1')).toEqual(['raft/3C/persist1']);
    expect(name('TestFigure8Unreliable3C')).toEqual(['raft/3C/figure8-unreliable']);
    expect(name('TestRPCBytes3B')).toEqual(['raft/3B/rpc-bytes']);
    expect(name('TestMemGet2')).toEqual(['kvsrv/mem-get']);
    expect(name('TestNoSuchThing3B')).toEqual([]);
    // Labs 4–5: a Go test of sub-tests is all its sections; a bare lab number may be the name's.
    expect(name('TestBasic')).toEqual(allScenarios().map((s) => s.name).filter((n) => n.startsWith('shardctrler/basic/')));
    expect(name('TestBasic').length).toBe(6);
    expect(name('TestBasic2')).toEqual(['kvsrv/basic']);
    expect(name('TestBasic4A')).toEqual(['kvraft/4A/basic']);
    expect(name('TestConcurrent1')).toEqual(['shardkv/5B/concurrent1']);
    expect(name('TestUnreliable2').sort()).toEqual(['kvsrv/unreliable', 'shardkv/5B/unreliable2']);
    expect(name('TestChallenge1Delete')).toEqual(['shardkv/challenge/delete']);
  });

  it('a pattern as the first argument runs the matching scenarios once', async () => {
    const r = await cli('raft/3A', '--seed', '2');
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toMatch(/^3 scenarios, 0 failed, 0 warnings, seed 2:/);
    const go = await cli('TestInitialElection3A');
    expect(go.out.at(-1)).toMatch(/^1 scenarios, 0 failed, 0 warnings, seed 1:/);
  });

  it('unknown names, commands, flags and roles get a did-you-mean', async () => {
    const cases: [string[], RegExp][] = [
      [['raft/3B/bakup'], /did you mean raft\/3B\/backup\?/],
      [['run', 'raft/3B/bakup'], /did you mean raft\/3B\/backup\?/],
      [['swep', 'raft/3A'], /did you mean sweep\?/],
      [['prop', 'prop/raft/safty'], /unknown property "prop\/raft\/safty" \(did you mean prop\/raft\/safety\?\)/],
      [['run', 'backup', '--seeed', '3'], /unknown option --seeed \(did you mean --seed\?\)/],
      [['run', 'backup', '--impl', 'raftt=x.ts'], /no scenario takes a node for role "raftt" \(did you mean raft\?\)/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
    }
  });

  it('an --impl role no scenario of the run used is reported', async () => {
    const note = 'note: --impl raft was not used: no scenario that ran takes a raft node';
    const r = await cli('run', 'demo/ping', '--impl', 'raft=scenarios/testdata/factless-raft.ts');
    expect(r.code).toBe(0);
    expect(r.err).toContain(note);
    const sweep = await cli('sweep', 'demo/ping', '--seeds', '1..2', '--workers', '1', '--impl', 'raft=scenarios/testdata/factless-raft.ts');
    expect(sweep.err).toContain(note);
    const used = await cli('sweep', 'demo/ping', 'raft/3A/initial-election', '--seeds', '1', '--workers', '1', '--impl', 'raft=scenarios/testdata/factless-raft.ts');
    expect(used.err).not.toContain(note);
  });

  it('--version and help help', async () => {
    const v = await cli('--version');
    expect(v.out).toEqual([`simlab ${JSON.parse(readFileSync('package.json', 'utf8')).version}`]);
    const h = await cli('help', 'help');
    expect(h.code).toBe(0);
    expect(h.out[0]).toMatch(/^simlab help \[COMMAND\]/);
  });
});

describe('files of your own', () => {
  it('run, list and sweep a scenario file; its failure replay command names the file', async () => {
    const file = 'scenarios/testdata/user-scenario.ts';
    const run = await cli('run', file, '--seed', '3');
    expect(run.code).toBe(0);
    expect(run.out.at(-1)).toMatch(/^PASS mine\/leader-and-follower-cut {2}seed=3 /);
    const list = await cli('list', file);
    expect(list.out).toHaveLength(1);
    expect(list.out[0]).toMatch(/^mine\/leader-and-follower-cut /);
    const sweep = await cli('sweep', file, '--seeds', '1..3', '--workers', '1');
    expect(sweep.code).toBe(0);
    expect(sweep.out.join('\n')).toMatch(/3 runs, 0 failures/);
  });

  it('a file that defines nothing, or does not build, is one line naming the place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-user-'));
    const broken = join(dir, 'broken.ts');
    const empty = join(dir, 'empty.ts');
    writeFileSync(broken, "import { defineScenario } from 'simlab';\nconst x = ;\n");
    writeFileSync(empty, 'export const nothing = 1;\n');
    const b = await cli('run', broken);
    expect(b.code).toBe(2);
    expect(b.err[0]).toMatch(/broken\.ts:2:11: Unexpected ";"/);
    const e = await cli('run', empty);
    expect(e.code).toBe(2);
    expect(e.err[0]).toMatch(/defines no scenario or property/);
  });

  it('a crash in an --impl file names its file:line:column, the node, the input and the time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-user-'));
    const file = join(dir, 'my-raft.ts');
    writeFileSync(
      file,
      [
        "import { raft, type NodeDef } from 'simlab';",
        'const mine: NodeDef<any, any> = {',
        '  ...raft,',
        '  step(state, input, ctx) {',
        "    if (input.kind === 'request' && input.method === 'Raft.AppendEntries' && ctx.nowUs > 1_000_000) throw new Error('index out of range');",
        '    return raft.step(state, input, ctx);',
        '  },',
        '};',
        'export default mine;',
        '',
      ].join('\n'),
    );
    const r = await cli('run', 'raft/3A/initial-election', '--impl', `raft=${file}`);
    expect(r.code).toBe(1);
    expect(r.out.join('\n')).toMatch(/crash: node \d handling request Raft\.AppendEntries at 1\.\d{6}s: Error: index out of range \(at .*my-raft\.ts:5:\d+\)/);
  });

  it('a failing lab scenario prints every server as the tester sees it; warnings show in the summary and its last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-user-'));
    const lazy = join(dir, 'lazy-raft.ts');
    writeFileSync(
      lazy,
      [
        "import { raft, type NodeDef } from 'simlab';",
        '// Ignores every AppendEntries reply after 2 s: the leader can no longer commit.',
        'const lazy: NodeDef<any, any> = {',
        '  ...raft,',
        '  step(state, input, ctx) {',
        "    if (input.kind === 'response' && input.method === 'Raft.AppendEntries' && ctx.nowUs > 2_000_000) return { state, outputs: [] };",
        '    return raft.step(state, input, ctx);',
        '  },',
        '};',
        'export default lazy;',
        '',
      ].join('\n'),
    );
    const r = await cli('run', 'raft/3B/fail-agree', '--impl', `raft=${lazy}`);
    expect(r.code).toBe(1);
    const at = r.out.indexOf('  servers at the failure (as the tester sees them):');
    expect(at).toBeGreaterThan(0);
    expect(r.out[at + 1]).toMatch(/^ {2}server {2}term {2}role +applied {2}persisted bytes {2}network +RPCs sent {2}RPCs in$/);
    const rows = r.out.slice(at + 3, at + 6);
    expect(rows.filter((l) => / leader /.test(l))).toHaveLength(1);
    expect(rows.filter((l) => / disconnected /.test(l))).toHaveLength(1);

    const warns = join(dir, 'warns.ts');
    writeFileSync(
      warns,
      "import { defineScenario } from 'simlab';\ndefineScenario({ name: 'mine/warns', description: 'warns once', *run(t) { t.warn('something odd'); } });\n",
    );
    const all = await cli(warns);
    expect(all.code).toBe(0);
    expect(all.out.some((l) => /^mine\/warns +pass \(1 warning\) /.test(l))).toBe(true);
    expect(all.out.at(-1)).toMatch(/^1 scenarios, 0 failed, 1 warning, seed 1:/);
    const run = await cli('run', warns);
    expect(run.out).toContain('  warning: something odd');
  });

  it('a failing property file writes an artifact that names the file relative to itself, and replays elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-user-'));
    mkdirSync(join(dir, 'props'));
    copyFileSync('scenarios/testdata/user-property.ts', join(dir, 'props', 'p.ts'));
    writeFileSync(join(dir, 'props', 'my-raft.ts'), "export { raft as default } from 'simlab';\n");
    const artifacts = join(dir, 'artifacts');
    const r = await cli('prop', join(dir, 'props', 'p.ts'), '--runs', '3', '--seed', '1', '--artifact-dir', artifacts, '--impl', `raft=${join(dir, 'props', 'my-raft.ts')}`);
    expect(r.code).toBe(1);
    expect(r.out).toContainEqual(expect.stringMatching(/^FAIL prop\/mine\/three-down: run 1 of 3 failed/));
    const [name] = readdirSync(artifacts);
    const artifact = JSON.parse(readFileSync(join(artifacts, name!), 'utf8'));
    expect(artifact.options.files).toEqual(['../props/p.ts']);
    expect(artifact.options.impl).toEqual(['raft=../props/my-raft.ts']);
    // Handed to someone else: the folder moves, the artifact still finds the file (a fresh process: this one has the property already).
    const moved = mkdtempSync(join(tmpdir(), 'simlab-moved-'));
    cpSync(dir, moved, { recursive: true });
    const replay = spawnSync(process.execPath, [resolve('bin/simlab.mjs'), 'replay', join('artifacts', name!)], { cwd: moved, encoding: 'utf8' });
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stdout).toMatch(/^trace hash matches the artifact/m);
    const bySeed = r.out.find((l) => l.startsWith('    or: '))!.replace('    or: npx simlab ', '').split(' ');
    expect(bySeed[1]).toBe(join(dir, 'props', 'p.ts'));
    const again = await cli(...bySeed);
    expect(again.code).toBe(1);
    expect(again.out.join('\n')).toMatch(/^FAIL prop\/mine\/three-down /m);
  });
  it('a replay by --seed/--path of a property file names the file in the replay command it records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-user-'));
    copyFileSync('scenarios/testdata/user-property.ts', join(dir, 'p.ts'));
    const html = join(dir, 'replay.html');
    const r = spawnSync(process.execPath, [resolve('bin/simlab.mjs'), 'replay', join(dir, 'p.ts'), '--seed', '1', '--path', '0', 'prop/mine/three-down', '--html', html], { encoding: 'utf8' });
    expect(r.stdout.split('\n')[0], r.stderr).toBe('replaying prop/mine/three-down at fast-check seed 1, path 0:');
    expect(r.stdout, r.stderr).toContain(`report: ${html}`);
    expect(readFileSync(html, 'utf8')).toContain(`npx simlab replay ${join(dir, 'p.ts')} --seed 1 --path 0 prop/mine/three-down`);
  });
});
