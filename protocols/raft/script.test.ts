/**
 * The text-driven Raft interaction tests (script.ts): every file under
 * testdata/ is a script of commands with the expected output under each.
 * A behaviour change shows as a diff; rewrite the files with
 *     SIMLAB_UPDATE_TESTDATA=1 npx vitest run protocols/raft/script.test.ts
 * and review the diff.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from './script.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const update = process.env.SIMLAB_UPDATE_TESTDATA === '1';

describe('raft interaction scripts (testdata/)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

  it('has scripts to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(file, () => {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      const actual = runScript(text);
      if (update && actual !== text) writeFileSync(path, actual);
      else expect(actual).toBe(text);
    });
  }

  it('shows an unknown command and a bad argument as an error line, not a crash', () => {
    expect(runScript('> cluster 3\n> teleport 1\n> crash 9\n')).toBe(
      '> cluster 3\n0 raft/boot term=0 votedFor=none snapshotIndex=0 lastIndex=0\n1 raft/boot term=0 votedFor=none snapshotIndex=0 lastIndex=0\n' +
        '2 raft/boot term=0 votedFor=none snapshotIndex=0 lastIndex=0\n> teleport 1\nerror: unknown command teleport\n> crash 9\nerror: expected a node number below 3, got 9\n',
    );
  });
});
