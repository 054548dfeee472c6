/**
 * `npm run conformance`: every conformance item of simlab, one line each,
 * then the plain closing line "N passed, M failed". The checker's verdicts
 * against Porcupine's (checkers/conformance.ts) and the MapReduce scenarios
 * on the real books (scenarios/mr/conformance.ts). It lives in scenarios/
 * because it runs both rooms (checkers/ may not import scenarios/).
 */
import { pathToFileURL } from 'node:url';
import { runCheckerConformance } from '../checkers/conformance.ts';
import { runMrConformance, type ConformanceIo } from './mr/conformance.ts';

export async function runConformance(io: ConformanceIo): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const part of [runCheckerConformance, runMrConformance]) {
    const r = await part(io);
    passed += r.passed;
    failed += r.failed;
  }
  return { passed, failed };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const io = { out: (line: string) => process.stdout.write(`${line}\n`) };
  runConformance(io).then(
    ({ passed, failed }) => {
      io.out(`${passed} passed, ${failed} failed`);
      process.exitCode = failed === 0 ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
