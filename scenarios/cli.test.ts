/**
 * The CLI's run-side commands through the dispatcher, in process: exit codes,
 * one-line usage errors, the summary table, traces and sweeps.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './index.ts';
import { main } from '../sim/cli/main.ts';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

// These tests pin what they depend on; the SIMLAB_* variables a user sets for the catalog tests must not reach them.
const ENV_VARS = ['SIMLAB_SEED', 'SIMLAB_RUNS', 'SIMLAB_WORKERS', 'SIMLAB_CHECK_DETERMINISM'];
const savedEnv = Object.fromEntries(ENV_VARS.map((k) => [k, process.env[k]]));
beforeAll(() => {
  for (const k of ENV_VARS) delete process.env[k];
});
afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) if (v !== undefined) process.env[k] = v;
});

describe('simlab CLI', () => {
  it('usage errors are one line on standard error with exit 2', async () => {
    for (const argv of [
      ['run', 'no/such/scenario'],
      ['run', 'demo/ping', '--seed', '-3'],
      ['run', 'demo/ping', '--seed', '1.5'],
      ['run', 'demo/ping', '--seed'],
      ['run', 'demo/ping', '--frobnicate'],
      ['run'],
      ['frobnicate'],
      ['list', 'zzz/*'],
      ['sweep', 'demo/ping', '--seeds', '9..1'],
      ['sweep', 'demo/ping', '--shard', '0/2'],
      ['sweep', 'demo/ping', '--workers', '0'],
      ['sweep'],
      ['run', 'demo/ping', '--impl', 'raft'],
      ['run', 'demo/ping', '--impl', 'raft=/no/such/file.ts'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.length, argv.join(' ')).toBe(1);
      expect(r.err[0]).toMatch(/^simlab: /);
      expect(r.err[0]).not.toMatch(/\n|at .*\.ts:\d+/);
    }
  });

  it('run prints a PASS line with the seed and trace hash, and writes a readable trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-cli-'));
    const file = join(dir, 'trace.txt');
    const r = await cli('run', 'raft/3A/initial-election', '--seed', '7', '--trace', file);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/^PASS raft\/3A\/initial-election {2}seed=7 {2}virtual \d+\.\d{3}s {2}events \d+ {2}wall \d+ms {2}trace [0-9a-f]{16}$/m);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    // One line per event: time, node, what happened, with Raft's own describe lines.
    expect(lines.some((l) => /^\s+\d+\.\d{6}s {2}\d +→ \d RequestVote t=\d+ last=/.test(l))).toBe(true);
    expect(lines.some((l) => /fact .*"type":"raft\/leader"/.test(l))).toBe(true);
  });

  it('a failing run exits 1 and prints the command that replays it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-cli-'));
    const bug = join(dir, 'bug.ts');
    // A Raft that never answers getState: every tester call fails.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      bug,
      `import { raft } from ${JSON.stringify(join(process.cwd(), 'protocols/raft/index.ts'))};\n` +
        `export default { ...raft, step(s, input, ctx) { if (input.kind === 'call' && input.method === 'getState') return { state: s, outputs: [{ kind: 'return', callId: input.callId, value: { term: 0, isLeader: false } }] }; return raft.step(s, input, ctx); } };\n`,
    );
    const r = await cli('run', 'raft/3A/initial-election', '--seed', '2', '--impl', `raft=${bug}`);
    expect(r.code).toBe(1);
    const text = r.out.join('\n');
    expect(text).toMatch(/^FAIL raft\/3A\/initial-election {2}seed=2/m);
    expect(text).toMatch(/expected one leader, got none/);
    expect(text).toContain(`replay: npx simlab run raft/3A/initial-election --seed 2 --impl raft=${bug}`);
  });

  it('sweep in one thread summarises runs per scenario', async () => {
    const r = await cli('sweep', 'demo/*', '--seeds', '1..3', '--workers', '1');
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/demo\/ping\s+3\s+0\s+-/);
    expect(text).toMatch(/^6 runs, 0 failures/m);
  });

  it('--shard splits the work list without overlap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-shard-'));
    const a = await cli('sweep', 'demo/ping', '--seeds', '1..5', '--workers', '1', '--shard', '1/2', '--output', join(dir, 'a.json'));
    const b = await cli('sweep', 'demo/ping', '--seeds', '1..5', '--workers', '1', '--shard', '2/2', '--output', join(dir, 'b.json'));
    expect(a.out.join('\n')).toMatch(/^3 runs/m);
    expect(b.out.join('\n')).toMatch(/^2 runs/m);
  });
});

/** The summary from its table on, without wall times and column padding (the only parts that differ between runs). */
function summaryOf(out: readonly string[]): string[] {
  return out
    .slice(out.findIndex((l) => l.startsWith('scenario / property')))
    .filter((l) => !/^(json|junit) report: /.test(l))
    .map((l) => l.replace(/\b\d+\.\d{2}s\b/g, 'W').replace(/\(\d+\.\d runs\/s\)/, '(R)').replace(/\s+/g, ' '));
}

describe('sweep results: streamed, interruptible, sharded and merged, as reports', () => {
  const BUG = 'raft=scenarios/properties/testdata/no-election-restriction.ts';

  it('prints each failure with its replay command as it is found, before the summary', async () => {
    const r = await cli('sweep', 'prop/raft/safety', '--seeds', '1..12', '--workers', '1', '--impl', BUG);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/^FAIL prop\/raft\/safety seed=\d+: safety: /);
    const table = r.out.findIndex((l) => l.startsWith('scenario / property'));
    expect(r.out.slice(0, table).filter((l) => l.includes('replay: npx simlab replay --seed ')).length).toBeGreaterThan(0);
  });

  it('--bail N stops after N failures, with a summary that says so', async () => {
    const r = await cli('sweep', 'prop/raft/safety', '--seeds', '1..40', '--workers', '1', '--impl', BUG, '--bail', '2');
    expect(r.code).toBe(1);
    expect(r.out.filter((l) => l.startsWith('FAIL ')).length).toBe(2);
    expect(r.out.find((l) => / runs, /.test(l))).toMatch(/^\d+ runs, 2 failures, .*\(stopped by --bail after \d+ of 40 runs\)$/);
  });

  it('sharded then merged gives the unsharded summary, failures and coverage included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simlab-merge-'));
    const args = ['sweep', 'demo/*', 'raft/3C/unreliable-churn', 'prop/raft/safety', '--seeds', '5004..5009', '--workers', '1', '--impl', BUG];
    const whole = await cli(...args);
    const files = [1, 2, 3].map((i) => join(dir, `shard-${i}.json`));
    for (const [i, file] of files.entries()) {
      const shard = await cli(...args, '--shard', `${i + 1}/3`, '--output', file);
      expect(shard.out.at(-1)).toBe(`json report: ${file} (combine the shards with: npx simlab merge FILE…)`);
    }
    const merged = await cli('merge', files[2]!, files[0]!, files[1]!, '--reporter', 'junit', '--output', join(dir, 'junit.xml'));
    expect(merged.code).toBe(whole.code);
    expect(whole.code).toBe(1);
    expect(summaryOf(merged.out)).toEqual(summaryOf(whole.out));
    expect(summaryOf(whole.out).some((l) => l.includes('a client saw its value committed'))).toBe(true);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="simlab sweep" tests="\d+" failures="[1-9]\d*"/);
    expect(xml).toContain('<testcase classname="demo/ping" name="seed 5004" time="');
    expect(xml).toMatch(/<testcase classname="prop\/raft\/safety" name="seed \d+" time="[\d.]+">\n {6}<failure type="safety" message="/);
    expect(xml).toContain('<testcase classname="raft/3C/unreliable-churn" name="sometimes: a client saw its value committed" time="0"/>');
    const missing = await cli('merge', files[0]!, files[1]!);
    expect(missing.code).toBe(2);
    expect(missing.err).toEqual(['simlab: shard(s) 3/3 missing: merge needs every shard of the sweep']);
  });

  it('on SIGINT a sweep stops, prints every failure found so far with its replay line, and exits 130', async () => {
    const child = spawn(process.execPath, ['bin/simlab.mjs', 'sweep', 'prop/raft/safety', '--seeds', '1..100000', '--workers', '1', '--impl', BUG], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && out.includes('replay: ')) sent = child.kill('SIGINT'); // once: a second Ctrl-C kills at once
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    const lines = out.split('\n');
    expect(lines.find((l) => / runs, /.test(l))).toMatch(/^\d+ runs, [1-9]\d* failures, .*\(interrupted after \d+ of 100000 runs\)$/);
    const listed = lines.slice(lines.indexOf('failures (replay each with the command shown):'));
    const streamed = lines.filter((l) => l.startsWith('FAIL ')).length;
    expect(listed.filter((l) => l.startsWith('  FAIL ')).length).toBe(streamed);
    expect(listed.filter((l) => l.includes('replay: npx simlab replay --seed ')).length).toBe(streamed);
  }, 60_000);
});

describe('the main job on worker threads', () => {
  const job = (workers: string, ...argv: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/simlab.mjs', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SIMLAB_WORKERS: workers } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });
  // Every row but the header (its width follows the wall column), without the wall times, which differ from run to run.
  const table = (out: string) =>
    out
      .split('\n')
      .slice(2)
      .map((l) => l.replace(/\s+\d+ms$/, '').replace(/ in [\d.]+s wall \(\d+× real time\)/, ''));

  it('prints the table a single thread prints, row for row, failures included', async () => {
    const argv = ['raft/3A', 'raft/3B/backup', '--impl', 'raft=scenarios/properties/testdata/no-election-restriction.ts', '--seed', '2'];
    const [two, one] = await Promise.all([job('2', ...argv), job('1', ...argv)]);
    expect(two.code).toBe(one.code);
    expect(table(two.out)).toEqual(table(one.out));
    expect(table(two.out).filter((l) => /^raft\/3[AB]\//.test(l))).toHaveLength(4);
  }, 60_000);
});

describe('sometimes labels are coverage over runs', () => {
  it('a run that misses a label passes, with a note naming it', async () => {
    const r = await cli('run', 'raft/3C/unreliable-churn', '--seed', '5006');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^PASS raft\/3C\/unreliable-churn {2}seed=5006 /);
    expect(r.out[1]).toBe('note: not reached in this run: "a client saw its value committed"');
  });

  it('a sweep counts the runs reaching each label, and fails only when none did', async () => {
    const some = await cli('sweep', 'raft/3C/unreliable-churn', '--seeds', '5005..5007', '--workers', '1');
    expect(some.code).toBe(0);
    expect(some.out).toContain('               2/3  a client saw its value committed');
    const none = await cli('sweep', 'raft/3C/unreliable-churn', '--seeds', '5006', '--workers', '1');
    expect(none.code).toBe(1);
    expect(none.out).toContain('    NEVER      0/1  a client saw its value committed');
    expect(none.out).toContain('  never reached: raft/3C/unreliable-churn: "a client saw its value committed"');
    expect(none.out.find((l) => / runs, /.test(l))).toMatch(/^1 runs, 0 failures, 1 sometimes label\(s\) never reached, /);
  });
});

describe('environment variables and determinism failures', () => {
  /** A Raft that draws one more random number in every world after the first: the same seed runs differently. */
  function flakyRaft(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'simlab-flaky-')), 'flaky.ts');
    writeFileSync(
      file,
      `import { raft } from ${JSON.stringify(join(process.cwd(), 'protocols/raft/index.ts'))};\n` +
        `let inits = 0;\n` +
        `export default { ...raft, init(config, persisted, ctx) { if (++inits > 3) ctx.rng.below(2); return raft.init(config, persisted, ctx); } };\n`,
    );
    return file;
  }

  async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      return await body();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }

  it('a nondeterminism failure names the command that checks it again', async () => {
    const file = flakyRaft();
    const r = await cli('run', 'raft/3A/initial-election', '--seed', '4', '--check-determinism', '--impl', `raft=${file}`);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/^NOT deterministic: raft\/3A\/initial-election seed=4: the runs first differ at trace event \d+$/);
    expect(r.out.at(-1)).toBe(`  replay: npx simlab run raft/3A/initial-election --seed 4 --impl raft=${file} --check-determinism`);
  });

  it('SIMLAB_CHECK_DETERMINISM=1 turns the check on in a sweep, and its failure line replays with --check-determinism', async () => {
    const file = flakyRaft();
    const r = await withEnv({ SIMLAB_CHECK_DETERMINISM: '1' }, () => cli('sweep', 'raft/3A/initial-election', '--seeds', '4', '--workers', '1', '--impl', `raft=${file}`));
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/^FAIL raft\/3A\/initial-election seed=4: nondeterminism: NOT deterministic/);
    expect(r.out[1]).toBe(`    replay: npx simlab run raft/3A/initial-election --seed 4 --check-determinism --impl raft=${file}`);
  });

  it('SIMLAB_SEED and SIMLAB_RUNS set run\'s seed and a sweep\'s seeds; SIMLAB_WORKERS its workers; flags win', async () => {
    const run = await withEnv({ SIMLAB_SEED: '7' }, () => cli('run', 'demo/ping'));
    expect(run.out[0]).toMatch(/^PASS demo\/ping {2}seed=7 /);
    const pinned = await withEnv({ SIMLAB_SEED: '7' }, () => cli('run', 'demo/ping', '--seed', '2'));
    expect(pinned.out[0]).toMatch(/^PASS demo\/ping {2}seed=2 /);
    const sweep = await withEnv({ SIMLAB_SEED: '20', SIMLAB_RUNS: '3', SIMLAB_WORKERS: '1' }, () => cli('sweep', 'demo/ping'));
    expect(sweep.err[0]).toBe('sweep: 1 scenario(s)/propert(ies) × 3 seed(s) (20..22) = 3 runs on 1 worker(s)');
    const bad = await withEnv({ SIMLAB_WORKERS: 'many' }, () => cli('sweep', 'demo/ping'));
    expect([bad.code, bad.err]).toEqual([2, ['simlab: SIMLAB_WORKERS must be an integer from 1 to 1024, got "many"']]);
  });
});
