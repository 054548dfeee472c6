/** The run reporter the CLI registers: records a run's trace and writes its report. */
import { writeFileSync } from 'node:fs';
import type { RunRecording } from '../../sim/cli/html.ts';
import { RunRecorder } from './run-recorder.ts';
import { renderRunReport } from './run-report.ts';

export function startRunRecording(): RunRecording {
  const recorder = new RunRecorder();
  return {
    onRecord: recorder.onRecord,
    onLog: recorder.onLog,
    onHistory: recorder.onHistory,
    write(file, title, r, replay) {
      const data = recorder.data({
        title,
        passed: r.passed,
        ...(r.failure ? { failure: r.failure } : {}),
        ...(r.failedAt !== undefined ? { failRecord: r.failedAt } : {}),
        replay,
        seed: r.seed,
        traceHash: r.traceHash,
        virtualUs: r.virtualUs,
      });
      writeFileSync(file, renderRunReport(data));
    },
  };
}
