/**
 * Conformance of the linearizability checker with Porcupine: every history in
 * ../shared/data/porcupine/verdicts.csv must get Porcupine's verdict (the kv
 * files with the partitioned and the unpartitioned model). Run it with
 * `npm run conformance`; other conformance items can import
 * runCheckerConformance and add their own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, loadHistory } from './check-file.ts';
import { checkOperations } from './linearizability/index.ts';
import { porcupineDataDir } from './shared-data.ts';

export interface ConformanceIo {
  out(line: string): void;
}

/** Generous: a budget here only guards against a hang; 'unknown' counts as a failure. */
const BUDGET_MS = 60_000;

/** (file, expected verdict) rows of verdicts.csv. */
export function readVerdicts(dir = porcupineDataDir()): [file: string, expected: string][] {
  const text = readFileSync(path.join(dir, 'verdicts.csv'), 'utf8');
  const [header, ...rows] = text.split('\n').filter((line) => line.trim() !== '');
  if (header?.trim() !== 'file,expected') throw new InputError(`${dir}/verdicts.csv: expected the header "file,expected"`);
  return rows.map((row) => {
    const [file, expected] = row.trim().split(',');
    return [file!, expected!];
  });
}

export async function runCheckerConformance(io: ConformanceIo): Promise<{ passed: number; failed: number }> {
  const dir = porcupineDataDir();
  let passed = 0;
  let failed = 0;
  for (const [file, expected] of readVerdicts(dir)) {
    const models = file.startsWith('kv/') ? ['kv', 'kv-unpartitioned'] : [undefined];
    for (const model of models) {
      const loaded = loadHistory(path.join(dir, file), { model });
      const result = checkOperations(loaded.entry.model, loaded.operations, { budgetMs: BUDGET_MS });
      const ok = result.verdict === expected;
      if (ok) passed++;
      else failed++;
      io.out(
        `${ok ? 'pass' : 'FAIL'}  ${file} (${loaded.modelName})  expected ${expected}  got ${result.verdict}  ${loaded.operations.length} ops  ${result.elapsedMs.toFixed(1)} ms`,
      );
    }
  }
  return { passed, failed };
}
