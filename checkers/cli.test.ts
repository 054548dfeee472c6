import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand, checkUsage } from './cli.ts';
import { formatHistory } from './history/index.ts';
import { porcupineDataDir } from './shared-data.ts';

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await checkCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const dir = mkdtempSync(path.join(tmpdir(), 'simlab-check-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const kvOp = (client: number, call: number, ret: number | null, op: 0 | 1, value: string) => ({
  clientId: client,
  call,
  return: ret === null ? Infinity : ret,
  input: { op, key: 'k', value: op === 0 ? '' : value },
  output: ret === null ? undefined : { value: op === 0 ? value : '' },
});
const okFile = file('ok.jsonl', formatHistory([kvOp(0, 0, 10, 1, 'a'), kvOp(1, 20, 30, 0, 'a'), kvOp(2, 25, null, 1, 'b')], { model: 'kv' }));
const badFile = file('bad.jsonl', formatHistory([kvOp(0, 0, 10, 1, 'a'), kvOp(1, 20, 30, 0, '')], { model: 'kv' }));

describe('simlab check', () => {
  it('prints one line per file and exits 0 when all are ok', async () => {
    const { code, out, err } = await run(okFile);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/ok\.jsonl: ok, 3 ops, 1 partition, \d+\.\d ms$/);
  });

  it('exits 1 when some file is illegal, and --explain says why', async () => {
    const { code, out } = await run(okFile, badFile, '--explain');
    expect(code).toBe(1);
    expect(out[1]).toMatch(/bad\.jsonl: illegal, 2 ops/);
    expect(out.join('\n')).toContain('cannot be placed next: client 1 [20, 30] get("k") → ""');
  });

  it('exits 3 when a budget runs out, and never calls that ok', async () => {
    const history = Array.from({ length: 9 }, (_, j) => ({
      clientId: j,
      call: j,
      return: 100 + j,
      input: { op: 2, key: 'k', value: `${j}` },
      output: { value: '' },
    }));
    const slow = file('slow.jsonl', formatHistory([...history, { clientId: 0, call: 200, return: 201, input: { op: 0, key: 'k', value: '' }, output: { value: '876543210' } }], { model: 'kv' }));
    const { code, out } = await run(slow, '--budget-steps', '1000');
    expect(code).toBe(3);
    expect(out[0]).toMatch(/slow\.jsonl: unknown \(step budget ran out; 1 undecided\)/);
    expect((await run(slow, okFile, badFile, '--budget-steps=1000')).code).toBe(1);
  });

  it('checks Porcupine files with the model their format implies', async () => {
    const data = porcupineDataDir();
    const { code, out } = await run(path.join(data, 'jepsen/etcd_000.log'), path.join(data, 'kv/c01-ok.txt'));
    expect(code).toBe(1);
    expect(out[0]).toMatch(/etcd_000\.log: illegal, 85 ops, 1 partition/);
    expect(out[1]).toMatch(/c01-ok\.txt: ok, 58 ops, 10 partitions/);
  });

  it('exits 2 with one line on bad usage', async () => {
    for (const args of [[], ['--bogus', okFile], [okFile, '--format', 'xml'], [okFile, '--model', 'nope'], [okFile, '--budget-ms', 'soon'], [okFile, '--html']]) {
      const { code, err } = await run(...args);
      expect({ args, code, lines: err.length }).toEqual({ args, code: 2, lines: 2 });
    }
    const { err } = await run('--bogus');
    expect(err[0]).toBe('simlab check: unknown flag --bogus');
    expect((await run(okFile, '--format', 'xml')).err[0]).toBe('simlab check: unknown format "xml": expected one of etcd, kv, simlab');
  });

  it('exits 2 naming the file, the line and what was expected for bad input, and still checks the other files', async () => {
    const broken = file('broken.log', 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t[1 2]\n');
    const { code, out, err } = await run(broken, okFile, path.join(dir, 'missing.log'));
    expect(code).toBe(2);
    expect(err[0]).toBe(`simlab check: ${broken}:2: expected an :ok read returns nil or a number, got "INFO  jepsen.util - 0\\t:ok\\t:read\\t[1 2]"`);
    expect(err[1]).toBe(`simlab check: ${path.join(dir, 'missing.log')}: no such file`);
    expect(out).toHaveLength(1);
    const wrongShape = file('shape.jsonl', '{"simlab-history":1,"model":"kv"}\n{"client":0,"call":1,"return":2,"input":{"op":9,"key":"k","value":""}}\n');
    expect((await run(wrongShape)).err[0]).toBe(
      `simlab check: ${wrongShape}: line 2: expected an input {"op": 0|1|2|3, "key": string, "value": string} for model kv`,
    );
    const headerless = file('headerless.jsonl', '{"client":0,"call":1,"return":2,"input":{"op":0,"key":"k","value":""},"output":{"value":""}}\n');
    expect((await run(headerless)).err[0]).toMatch(/no model named; give --model/);
    expect((await run(headerless, '--model', 'kv')).code).toBe(0);
  });

  it('checks an empty file as an empty history (ok), whatever its name', async () => {
    const { code, out } = await run(file('empty.log', ''), file('empty', '\n'));
    expect(code).toBe(0);
    expect(out[0]).toMatch(/empty\.log: ok, 0 ops, 0 partitions/);
    expect(out[1]).toMatch(/empty: ok, 0 ops, 0 partitions/);
  });

  it('writes one report per file into a folder when given several files', async () => {
    const folder = path.join(dir, 'reports');
    expect((await run(okFile, badFile, '--html', folder)).code).toBe(1);
    expect(readFileSync(path.join(folder, 'ok.jsonl.html'), 'utf8')).toContain('<span class="verdict-ok">ok</span>');
    expect(readFileSync(path.join(folder, 'bad.jsonl.html'), 'utf8')).toContain('<span class="verdict-illegal">illegal</span>');
  });

  it('prints its usage on --help', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out[0]).toBe(checkUsage);
  });

  it('writes an HTML report with --html', async () => {
    const out = path.join(dir, 'bad.html');
    expect((await run(badFile, '--html', out)).code).toBe(1);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('cannot be placed next: client 1 [20, 30] get("k") → ""');
  });
});

describe('simlab check --html through the CLI launcher (the bundled viewer, not the sources)', () => {
  it('writes the report, prints its path and exits 1 for an illegal history', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'simlab-check-html-')), 'out.html');
    const launcher = path.join(import.meta.dirname, '..', 'bin', 'simlab.mjs');
    const file = path.join(porcupineDataDir(), 'jepsen', 'etcd_000.log');
    const run = spawnSync(process.execPath, [launcher, 'check', file, '--html', out], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`report: ${out}\n`);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('1 partition ·');
    expect(/<script>([\s\S]*?)<\/script>/.exec(page)![1]).toContain('cannot be placed');
  });
});
