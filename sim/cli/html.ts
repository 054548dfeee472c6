/**
 * `--html FILE` and `--html-dir DIR`: the commands record a run for an HTML
 * report through a reporter the CLI's entry registers (the report code lives
 * with the checkers; the CLI knows only this hook).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunOptions, ScenarioResult } from '../scenario.ts';
import type { TraceRecord } from '../trace.ts';
import { UsageError } from './args.ts';

/** One run being recorded for a report. */
export interface RunRecording {
  readonly onRecord: (r: TraceRecord) => void;
  readonly onLog: (line: string) => void;
  /** Takes the history the scenario checked, in simlab's history format. */
  readonly onHistory: (history: string) => void;
  /** Writes the report of the finished run to `file`. */
  write(file: string, title: string, result: ScenarioResult, replay: string): void;
}

let reporter: (() => RunRecording) | undefined;

export function setRunReporter(start: () => RunRecording): void {
  reporter = start;
}

export function startRecording(): RunRecording {
  if (reporter === undefined) throw new UsageError('HTML reports are not available in this build');
  return reporter();
}

/** The options with the recording's listeners added to those already there. */
export function withRecording(options: RunOptions, rec: RunRecording | undefined): RunOptions {
  if (rec === undefined) return options;
  const { onRecord, onLog, onHistory } = options;
  return {
    ...options,
    onRecord: onRecord ? (r) => (onRecord(r), rec.onRecord(r)) : rec.onRecord,
    onLog: onLog ? (line) => (onLog(line), rec.onLog(line)) : rec.onLog,
    onHistory: onHistory ? (h) => (onHistory(h), rec.onHistory(h)) : rec.onHistory,
  };
}

/** Writes the run's report (making its folder) and returns the path to print; a path it cannot write is a one-line usage error. */
export function writeRunReport(rec: RunRecording, file: string, title: string, result: ScenarioResult, replay: string): string {
  try {
    mkdirSync(dirname(file) || '.', { recursive: true });
    rec.write(file, title, result, replay);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new UsageError(`cannot write the report ${file}: ${code}`);
  }
  return file;
}

/** The report file for a failure of `name` at `seed` in an --html-dir folder. */
export function reportPathIn(dir: string, name: string, seed: number | string): string {
  return join(dir, `${name.replace(/[^a-z0-9._-]+/gi, '-')}-seed${seed}.html`);
}
