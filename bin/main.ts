/**
 * The CLI entry: imports the rooms that fill the registries (scenarios and
 * their checkers), registers their commands, and hands over to the
 * dispatcher in sim/cli. Bundled to dist/simlab.mjs by bin/simlab.mjs.
 */
import '../scenarios/index.ts';
import fc from 'fast-check';
import * as simlab from '../lib/index.ts';
import { setHostModules } from '../sim/cli/impl.ts';
import { checkCommand, checkUsage } from '../checkers/cli.ts';
import { startRunRecording } from '../checkers/report/run-html.ts';
import { setRunReporter } from '../sim/cli/html.ts';
import { main, registerCommand } from '../sim/cli/main.ts';
import type { CliIO } from '../sim/cli/io.ts';
import { setWorkerEntry, sweepWorkerMain } from '../sim/cli/sweep.ts';
import { isMainThread, workerData } from 'node:worker_threads';

registerCommand({
  name: 'check',
  summary: 'check history files for linearizability (Porcupine-style), optionally with an HTML report',
  usage: checkUsage,
  run: (args, io) => checkCommand(args, io),
});

// User files (--impl, scenario and property files) import these very modules, so their definitions join this CLI's registries.
setHostModules({ simlab, 'fast-check': { ...fc, default: fc } });

setRunReporter(startRunRecording);

// Sweep workers are this same bundle started on a worker thread.
setWorkerEntry(new URL(import.meta.url));
const isSweepWorker = !isMainThread && (workerData as { role?: string } | null)?.role === 'sweep-worker';

const io: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  write: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
};

if (isSweepWorker) {
  sweepWorkerMain();
} else {
  // A closed pipe (simlab run … | head) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = await main(process.argv.slice(2), io);
}
