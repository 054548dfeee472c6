/**
 * The CLI's run-side commands through the dispatcher, in process: exit codes,
 * one-line usage errors, the summary table, traces and sweeps.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import './index.ts';
import { main } from '../sim/cli/main.ts';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

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
    expect(lines.some((l) => /fact .*"type":"leader"/.test(l))).toBe(true);
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
    const a = await cli('sweep', 'demo/ping', '--seeds', '1..5', '--workers', '1', '--shard', '1/2');
    const b = await cli('sweep', 'demo/ping', '--seeds', '1..5', '--workers', '1', '--shard', '2/2');
    expect(a.out.join('\n')).toMatch(/^3 runs/m);
    expect(b.out.join('\n')).toMatch(/^2 runs/m);
  });
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
