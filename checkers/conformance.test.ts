import { describe, expect, it } from 'vitest';
import { readVerdicts, runCheckerConformance } from './conformance.ts';

describe("conformance with Porcupine's verdicts (../shared/data/porcupine)", () => {
  it('lists the 54 shared files', () => {
    const rows = readVerdicts();
    expect(rows).toHaveLength(54);
    expect(rows.filter(([file]) => file.startsWith('kv/'))).toHaveLength(4);
  });

  it('gives the expected verdict on every file, the kv files also unpartitioned', async () => {
    const lines: string[] = [];
    const { passed, failed } = await runCheckerConformance({ out: (line) => lines.push(line) });
    expect(lines.filter((line) => !line.startsWith('pass'))).toEqual([]);
    expect({ passed, failed }).toEqual({ passed: 58, failed: 0 });
    expect(lines.some((l) => /^pass {2}kv\/c10-ok\.txt \(kv-unpartitioned\) {2}expected ok {2}got ok {2}337 ops/.test(l))).toBe(true);
  });
});
