/**
 * The property commands end to end, in process: simlab prop finds and
 * shrinks a failure and writes its artifact; simlab replay reproduces the
 * trace hash from the artifact and from fast-check's seed and path; sweeps
 * run properties (sharded too); bad input is one line and exit 2.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../sim/cli/main.ts';
import { simlabVersion } from '../../sim/cli/replay.ts';
import { failureSignature, inputAt, runInput } from '../../sim/property.ts';
import { raftNoElectionRestriction } from '../bugs/raft.ts';
import './index.ts';
import { raftSafety } from './raft.ts';

const BUG = 'raft=scenarios/properties/testdata/no-election-restriction.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
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

const dir = mkdtempSync(join(tmpdir(), 'simlab-artifacts-'));

describe('simlab prop and simlab replay', () => {
  let artifactFile = '';
  let artifact: Record<string, any> = {};

  it('prop finds a failure, shrinks it, writes one artifact and prints the replay command', async () => {
    const r = await cli('prop', 'prop/raft/safety', '--runs', '200', '--seed', '3', '--impl', BUG, '--artifact-dir', dir);
    expect(r.code).toBe(1);
    const text = r.out.join('\n');
    expect(r.out[0]).toBe('prop/raft/safety: fast-check seed 3, 200 run(s), each one generated schedule');
    expect(text).toMatch(/^FAIL prop\/raft\/safety: run \d+ of 200 failed \(fast-check seed 3\); shrunk from \d+ to 1 fault action/m);
    expect(text).toContain('swarm: ');
    const line = r.out.find((l) => l.startsWith('replay: npx simlab replay '))!;
    artifactFile = line.slice('replay: npx simlab replay '.length);
    const text2 = readFileSync(artifactFile, 'utf8');
    artifact = JSON.parse(text2);
    expect(text2).toMatch(/"actions": \[\n {6}\{"at":\d+,"do":"[a-z]+"/); // one action per line, editable by hand
    expect(artifact).toMatchObject({ format: 'simlab-failure/1', simlab: simlabVersion(), property: 'prop/raft/safety', seed: 3, numRuns: 200 });
    expect(simlabVersion()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(artifact.path).toMatch(/^\d+(:\d+)*$/);
    expect(artifact.options.impl[0]).toMatch(/^raft=(\.\.\/)+.*no-election-restriction\.ts$/); // relative to the artifact
    expect(artifact.failure.kind).toBe('safety');
    expect(artifact.schedule.actions).toHaveLength(1);
    expect(artifact.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(text).toContain(`or: npx simlab replay --seed 3 --path ${artifact.path} prop/raft/safety --impl ${BUG}`);
  });

  it('replay ARTIFACT reproduces the trace hash of the failing run', async () => {
    const r = await cli('replay', artifactFile);
    expect(r.code).toBe(1);
    expect(r.out.some((l) => l.startsWith('FAIL prop/raft/safety') && l.endsWith(`trace ${artifact.traceHash}`))).toBe(true);
    expect(r.out.at(-1)).toBe(`trace hash matches the artifact (${artifact.traceHash}): the same run, bit for bit`);
  });

  it('the artifact keeps the first failing run too, which the shrunk one fails like; replay shows both', async () => {
    const first = artifact.firstFailure;
    expect(first.path).toBe(String(artifact.runsToFailure - 1));
    expect(failureSignature(first.failure)).toBe(failureSignature(artifact.failure));
    expect(first.schedule.actions.length).toBeGreaterThanOrEqual(artifact.schedule.actions.length);
    expect(runInput(raftSafety, raftSafety.fromJson(first.schedule), { impl: { raft: raftNoElectionRestriction.node } }).traceHash).toBe(first.traceHash);
    const r = await cli('replay', artifactFile);
    expect(r.out[1]).toBe(`  first failing run (path ${first.path}, before shrinking): ${first.failure.kind}: ${first.failure.message.slice(0, 200)}`);
    expect(r.out[2]).toBe(`  shrunk (kept ${failureSignature(artifact.failure)}):`);
  });

  it('an artifact written before the first failing run was kept replays as before', async () => {
    const old = join(dir, 'old.json');
    const { firstFailure: _first, ...rest } = artifact;
    writeFileSync(old, JSON.stringify(rest));
    const r = await cli('replay', old);
    expect(r.code).toBe(1);
    expect(r.out.some((l) => l.includes('first failing run'))).toBe(false);
    expect(r.out.at(-1)).toBe(`trace hash matches the artifact (${artifact.traceHash}): the same run, bit for bit`);
  });

  it('replay --seed S --path P reproduces it from fast-check\'s own report', async () => {
    const r = await cli('replay', '--seed', '3', '--path', artifact.path, 'prop/raft/safety', '--impl', BUG);
    expect(r.code).toBe(1);
    expect(r.out.some((l) => l.startsWith('FAIL prop/raft/safety') && l.endsWith(`trace ${artifact.traceHash}`))).toBe(true);
  });

  it('says plainly when the trace hash differs, and still replays the saved schedule', async () => {
    const stale = join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...artifact, traceHash: '0123456789abcdef' }));
    const r = await cli('replay', stale);
    expect(r.code).toBe(1);
    expect(r.out.at(-1)).toBe(
      `trace hash differs: the code changed since the artifact was written (saved 0123456789abcdef, now ${artifact.traceHash}); the saved schedule was replayed`,
    );
  });

  it('prints the trace and checks determinism on replay', async () => {
    const traced = await cli('replay', artifactFile, '--trace', '-');
    expect(traced.out.filter((l) => /^\s+\d+\.\d{6}s  \S/.test(l)).length).toBeGreaterThan(50);
    const twice = await cli('replay', artifactFile, '--check-determinism');
    expect(twice.out.at(-1)).toMatch(/^deterministic: prop\/raft\/safety seed=\d+ ran twice with the same \d+ events, trace [0-9a-f]{16}$/);
  });

  it('a test.prop (async) report replays by seed and path too', async () => {
    const details = await fc.check(
      fc.asyncProperty(raftSafety.arbitrary, async (s) => runInput(raftSafety, s, { impl: { raft: raftNoElectionRestriction.node } }).passed),
      { seed: 77, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    expect(inputAt(raftSafety, 77, details.counterexamplePath!)).toEqual(details.counterexample![0]);
  });
});

describe('simlab prop seeds, environment and statistics', () => {
  const withEnv = async <T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> => {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      return await body();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  it('draws a fresh seed by default (or for --seed random) and prints it first, so the run can be repeated', async () => {
    const seeds = new Set<string>();
    for (const args of [[], [], ['--seed', 'random']]) {
      const r = await cli('prop', 'prop/raft/safety', '--runs', '2', ...args);
      expect(r.code).toBe(0);
      const m = /^prop\/raft\/safety: fast-check seed (\d+) \(drawn at random: --seed \1 runs these schedules again\), 2 run\(s\)/.exec(r.out[0]!);
      expect(m).not.toBeNull();
      seeds.add(m![1]!);
    }
    expect(seeds.size).toBe(3);
  });

  it('takes the seed and runs from SIMLAB_SEED and SIMLAB_RUNS; a flag wins', async () => {
    const r = await withEnv({ SIMLAB_SEED: '77', SIMLAB_RUNS: '3' }, () => cli('prop', 'prop/raft/safety'));
    expect(r.out[0]).toBe('prop/raft/safety: fast-check seed 77, 3 run(s), each one generated schedule');
    expect(r.out.at(-1)).toMatch(/^PASS prop\/raft\/safety: 3 runs passed \(fast-check seed 77\)/);
    const flagged = await withEnv({ SIMLAB_SEED: '77' }, () => cli('prop', 'prop/raft/safety', '--seed', '8', '--runs', '1'));
    expect(flagged.out[0]).toBe('prop/raft/safety: fast-check seed 8, 1 run(s), each one generated schedule');
    const bad = await withEnv({ SIMLAB_SEED: 'x' }, () => cli('prop', 'prop/raft/safety'));
    expect([bad.code, bad.err]).toEqual([2, ['simlab: SIMLAB_SEED must be an integer or "random", got "x"']]);
  });

  it('prints what the runs exercised: outcomes, schedule lengths, the fault kinds that fired', async () => {
    const r = await cli('prop', 'prop/raft/safety', '--runs', '40', '--seed', '9');
    expect(r.code).toBe(0);
    const at = r.out.indexOf('statistics of 40 run(s):');
    expect(r.out[at + 1]).toBe('  outcomes: 40 pass');
    expect(r.out[at + 2]).toMatch(/^ {2}fault actions per schedule: min \d+, median \d+, p90 \d+, max \d+ \(mean \d+\.\d\)$/);
    expect(r.out[at + 3]).toMatch(/^ {2}fired +runs +of all +times +passed +failed$/);
    const kinds = r.out.filter((l) => /^ {2}fault [a-z]+ +\d+ +\d+% +\d+ +\d+ +0$/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    expect(kinds.length).toBeGreaterThanOrEqual(8); // the swarm turns kinds on and off: most fire in 40 runs
  });
});

describe('simlab prop reports', () => {
  it('--reporter json: the verdict, the statistics and the failure with its artifact and replay command', async () => {
    const file = join(dir, 'prop.json');
    const r = await cli('prop', 'prop/raft/safety', '--runs', '50', '--seed', '3', '--impl', BUG, '--artifact-dir', dir, '--reporter', 'json', '--output', file);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report).toMatchObject({ format: 'simlab-prop/1', property: 'prop/raft/safety', seed: 3, runs: 50, verdict: 'fail', neverReached: [] });
    expect(report.statistics.runs).toBe(report.runsDone);
    expect(report.failure).toMatchObject({ kind: 'safety', actions: 1 });
    expect(report.failure.replay).toBe(`npx simlab replay ${report.failure.artifact}`);
  });

  it('--reporter junit: one testcase for the check, passing for the correct Raft', async () => {
    const file = join(dir, 'prop.xml');
    const r = await cli('prop', 'prop/raft/safety', '--runs', '5', '--seed', '3', '--reporter', 'junit', '--output', file);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('<testcase classname="prop/raft/safety" name="fast-check seed 3, 5 runs" time="');
    const bad = await cli('prop', 'prop/raft/safety', '--reporter', 'junit');
    expect([bad.code, bad.err]).toEqual([2, ['simlab: --reporter and --output go together']]);
  });
});

describe('simlab prop and Ctrl-C', () => {
  /** Runs the CLI in process and delivers a SIGINT (to its listeners only) when `when` first matches an output line. */
  async function interruptWhen(when: RegExp, ...args: string[]) {
    const out: string[] = [];
    let sent = false;
    const code = await main(args, {
      out: (l) => {
        out.push(l);
        if (!sent && when.test(l)) sent = process.emit('SIGINT');
      },
      err: () => undefined,
    });
    return { code, out };
  }

  it('before a failure: stops, prints the statistics so far, exits 130', async () => {
    const r = await interruptWhen(/^prop\/raft\/safety: fast-check seed 4,/, 'prop', 'prop/raft/safety', '--runs', '100000', '--seed', '4');
    expect(r.code).toBe(130);
    expect(r.out.at(-1)).toMatch(/^INTERRUPTED prop\/raft\/safety: 0 of 100000 runs passed before Ctrl-C \(fast-check seed 4\)/);
  });

  it('prints a failure when found; Ctrl-C while shrinking keeps the smallest failure so far, with its artifact', async () => {
    const r = await interruptWhen(/^FAIL at run \d+: safety: /, 'prop', 'prop/raft/safety', '--runs', '200', '--seed', '3', '--impl', BUG, '--artifact-dir', dir);
    expect(r.code).toBe(130);
    const at = r.out.findIndex((l) => l.startsWith('FAIL at run '));
    expect(r.out[at + 1]).toMatch(/^ {4}replay: npx simlab replay --seed 3 --path \d+ prop\/raft\/safety --impl \S+ {3}\(shrinking it now/);
    expect(r.out.find((l) => l.startsWith('FAIL prop/raft/safety: '))).toMatch(/in 0 runs \(shrinking stopped by Ctrl-C\)/);
    expect(r.out.some((l) => l.startsWith('artifact: '))).toBe(true);
  });
});

describe('one clear line and exit 2 for bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['an artifact that is not JSON', ['replay', '__NOT_JSON__'], /is not a simlab artifact: not JSON/],
    ['an artifact of another format', ['replay', '__WRONG__'], /is not a simlab artifact: "format" must be "simlab-failure\/1"/],
    ['an artifact with a broken schedule', ['replay', '__BROKEN__'], /its schedule is malformed: actions\[0\]\.node must be an integer from 0 to 2, got 7/],
    ['an artifact whose first failure is malformed', ['replay', '__BAD_FIRST__'], /is not a simlab artifact: "firstFailure\.failure" must have a string kind and message$/],
    ['a missing artifact', ['replay', '/nonexistent/a.json'], /^simlab: cannot read artifact \/nonexistent\/a\.json: ENOENT$/],
    ['an unknown property (prop)', ['prop', 'prop/raft/nope'], /^simlab: unknown property "prop\/raft\/nope" \(see simlab prop\)$/],
    ['an unknown property (replay)', ['replay', '--seed', '1', '--path', '0', 'prop/nope'], /^simlab: unknown property "prop\/nope"/],
    ['a path fast-check cannot read', ['replay', '--seed', '1', '--path', '3:x', 'prop/raft/safety'], /a fast-check path looks like 12 or 12:0:3/],
    ['--seed without --path', ['replay', '--seed', '1', 'prop/raft/safety'], /needs both --seed and --path/],
    ['a bad --shard', ['sweep', 'prop/raft/safety', '--shard', '3/2'], /^simlab: --shard must be i\/n with 1 ≤ i ≤ n \(e\.g\. 2\/4\), got "3\/2"$/],
    ['a sweep pattern that matches nothing', ['sweep', 'prop/nothing/*'], /no scenario or property matches "prop\/nothing\/\*"/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const files: Record<string, string> = { __NOT_JSON__: 'not json\n', __WRONG__: '{"format":"x"}', __BROKEN__: '', __BAD_FIRST__: '' };
      const real = args.map((a) => {
        if (!(a in files)) return a;
        const f = join(dir, `${a}.json`);
        const broken = { format: 'simlab-failure/1', simlab: '0', property: 'prop/raft/safety', seed: 1, path: '0', traceHash: 'x', options: { impl: [] } };
        const badFirst = { ...broken, schedule: {}, firstFailure: { path: '0', failure: { kind: 'safety' }, schedule: {} } };
        if (a === '__BAD_FIRST__') writeFileSync(f, JSON.stringify(badFirst));
        else writeFileSync(f, a === '__BROKEN__' ? JSON.stringify({ ...broken, schedule: { servers: 3, seed: 1, loadIntervalMs: 0, healAtMs: 9, livenessMs: 9, actions: [{ at: 0, do: 'crash', node: 7 }] } }) : files[a]!);
        return f;
      });
      const r = await cli(...real);
      expect(r.code).toBe(2);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
      expect(r.out).toEqual([]);
    });
  }
});

describe('simlab sweep over a property', () => {
  it('runs one generated schedule per seed, and a failure line gives its replay and shrink commands', async () => {
    const r = await cli('sweep', 'prop/raft/safety', '--seeds', '1..12', '--workers', '1', '--impl', BUG);
    expect(r.code).toBe(1);
    const text = r.out.join('\n');
    expect(text).toMatch(/prop\/raft\/safety\s+12\s+\d+\s+\d+/);
    const m = /npx simlab replay --seed (\d+) --path 0 prop\/raft\/safety --impl \S+ {3}\(shrink: npx simlab prop prop\/raft\/safety --seed \1 --runs 1 --impl \S+\)/.exec(text);
    expect(m).not.toBeNull();
    const again = await cli('replay', '--seed', m![1]!, '--path', '0', 'prop/raft/safety', '--impl', BUG);
    expect(again.code).toBe(1);
  });

  it('passes for the correct Raft, and three shards cover the range exactly once', async () => {
    const all = await cli('sweep', 'prop/raft/safety', '--seeds', '1..10', '--workers', '1');
    expect(all.code).toBe(0);
    const runs = (r: { out: string[] }) => Number(/^(\d+) runs, /.exec(r.out.find((l) => / runs, \d+ failures/.test(l))!)![1]);
    const a = await cli('sweep', 'prop/raft/safety', '--seeds', '1..10', '--workers', '1', '--shard', '1/3', '--output', join(dir, 'shard-1.json'));
    const b = await cli('sweep', 'prop/raft/safety', '--seeds', '1..10', '--workers', '1', '--shard', '2/3', '--output', join(dir, 'shard-2.json'));
    const c = await cli('sweep', 'prop/raft/safety', '--seeds', '1..10', '--workers', '1', '--shard', '3/3', '--output', join(dir, 'shard-3.json'));
    expect([runs(a), runs(b), runs(c)]).toEqual([4, 3, 3]);
    expect(runs(all)).toBe(10);
  });
});
