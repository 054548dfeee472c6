/**
 * --html and --html-dir through the dispatcher, in process (the browser
 * side is e2e/): each command writes its report, prints the path where the
 * issue asks for it, and the embedded data is the run it names.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import './index.ts';
import { startRunRecording } from '../checkers/report/run-html.ts';
import { unpackEvents, type RunReportData } from '../checkers/report/run-data.ts';
import { setRunReporter } from '../sim/cli/html.ts';
import { main } from '../sim/cli/main.ts';

const BUGGY_RAFT = 'raft=scenarios/properties/testdata/no-election-restriction.ts';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function reportData(file: string): RunReportData {
  const html = readFileSync(file, 'utf8');
  const packed = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as RunReportData;
  return { ...packed, events: unpackEvents(packed.events) };
}

const failText = (d: RunReportData) => d.strings[d.events.text[d.failEvent]!]!;

beforeAll(() => setRunReporter(startRunRecording));

describe('HTML reports from the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simlab-report-cli-'));

  it('run --html writes a passing run\'s report and prints its path', async () => {
    const file = join(dir, 'run.html');
    const r = await cli('run', 'raft/3A/initial-election', '--seed', '2', '--html', file);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe(`report: ${file}`);
    const d = reportData(file);
    expect([d.passed, d.seed, d.failEvent, d.replay]).toEqual([true, 2, -1, 'npx simlab run raft/3A/initial-election --seed 2']);
    expect(d.nodes).toEqual(expect.arrayContaining(['0', '1', '2']));
  });

  it('a report path that cannot be written is a one-line error, exit 2', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const r = await cli('run', 'demo/ping', '--html', join(blocker, 'run.html'));
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot write the report .*run\.html: E[A-Z]+$/);
  });

  it('sweep --html-dir writes a report per failure, its path on the FAIL line, pinned to the bad record', async () => {
    const reports = join(dir, 'sweep');
    const r = await cli('sweep', 'raft/3C/persist2', '--seeds', '1..2', '--workers', '1', '--impl', BUGGY_RAFT, '--html-dir', reports);
    expect(r.code).toBe(1);
    for (const seed of [1, 2]) {
      const file = join(reports, `raft-3C-persist2-seed${seed}.html`);
      expect(r.out.find((l) => l.startsWith(`FAIL raft/3C/persist2 seed=${seed}:`))).toMatch(new RegExp(`report: ${file}$`));
      const d = reportData(file);
      expect(d.passed).toBe(false);
      expect(failText(d)).toMatch(/^fact \{"type":"raft\/leader"/);
    }
  });

  it('prop --html-dir reports the shrunk failure; replay --html reports the artifact\'s run with its schedule', async () => {
    const artifacts = join(dir, 'artifacts');
    const reports = join(dir, 'prop');
    const r = await cli('prop', 'prop/raft/safety', '--seed', '1', '--runs', '30', '--impl', BUGGY_RAFT, '--artifact-dir', artifacts, '--html-dir', reports);
    expect(r.code).toBe(1);
    const line = r.out.find((l) => l.startsWith('report: '))!;
    expect(existsSync(line.slice('report: '.length))).toBe(true);
    const artifact = join(artifacts, readdirSync(artifacts)[0]!);
    const file = join(dir, 'replay.html');
    const replay = await cli('replay', artifact, '--html', file);
    expect(replay.code).toBe(1);
    expect(replay.out).toContain(`report: ${file}`);
    const d = reportData(file);
    expect(d.replay).toBe(`npx simlab replay ${artifact}`);
    expect(d.log.text.map((k) => d.strings[k]).some((l) => /^(partition|isolate|cut|disconnect|crash|restart|hold|flap) /.test(l!))).toBe(true);
    expect(failText(d)).toMatch(/^fact \{"type":"raft\/leader"/);
  });
});
