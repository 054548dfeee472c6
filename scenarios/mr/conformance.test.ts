import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.ts';
import { generateCorpus } from './corpus.ts';
import { readBooks, runMrConformance } from './conformance.ts';

describe('runMrConformance', () => {
  let shared: string;
  const saved = process.env.SIMLAB_SHARED;
  beforeEach(() => {
    shared = mkdtempSync(path.join(tmpdir(), 'simlab-shared-'));
    process.env.SIMLAB_SHARED = shared;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SIMLAB_SHARED;
    else process.env.SIMLAB_SHARED = saved;
    rmSync(shared, { recursive: true, force: true });
  });

  it('skips, counting nothing, when the books are absent', async () => {
    const lines: string[] = [];
    expect(await runMrConformance({ out: (l) => lines.push(l) })).toEqual({ passed: 0, failed: 0 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skip {2}mr\/wc, mr\/indexer on the real books: no pg-\*\.txt in /);
  });

  it('runs wc and indexer on the books it finds, in glob order, and passes them', async () => {
    const dir = path.join(shared, 'data', 'mr');
    mkdirSync(dir, { recursive: true });
    const books = generateCorpus(new Prng(7), 1 / 512);
    for (const b of [...books].reverse()) writeFileSync(path.join(dir, b.name), b.contents);
    writeFileSync(path.join(dir, 'README.md'), 'not a book');
    expect(readBooks(dir).map((b) => b.name)).toEqual(books.map((b) => b.name));
    const lines: string[] = [];
    expect(await runMrConformance({ out: (l) => lines.push(l) })).toEqual({ passed: 2, failed: 0 });
    expect(lines[0]).toMatch(/^pass {2}mr\/wc on 8 books \(\d+ bytes\) {2}\d+ output lines/);
    expect(lines[1]).toMatch(/^pass {2}mr\/indexer on 8 books/);
  });
});
