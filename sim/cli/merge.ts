/**
 * `simlab merge FILE…`: the shard result files of one sweep (`sweep --shard
 * i/n` on N machines of a CI matrix) combined into one summary, the same as
 * the unsharded sweep's, with its exit code; optionally one JSON or JUnit
 * report of the whole sweep.
 */
import { flag, parseArgs, UsageError } from './args.ts';
import type { Command } from './io.ts';
import { exitCodeOf, mergeReports, parseReporter, printSummary, readReport, writeReport } from './report.ts';

export const mergeCommand: Command = {
  name: 'merge',
  summary: "combine the result files of a sharded sweep into the unsharded sweep's summary (and report)",
  usage: [
    'simlab merge FILE… [--reporter json|junit --output FILE]',
    '  FILE                the result files `simlab sweep … --shard i/n` wrote, one per shard (any order)',
    '  --reporter R        also write the merged results as json or junit to --output FILE',
    'exit 0 if every run passed and every sometimes label was reached, 1 otherwise, 2 for bad or missing files',
  ].join('\n'),
  run(args, io) {
    const p = parseArgs(args, { reporter: { kind: 'string' }, output: { kind: 'string' } });
    if (p.positional.length === 0) throw new UsageError('merge needs the result files of every shard (simlab sweep … --shard i/n writes them)');
    const reporterRaw = flag<string>(p, 'reporter');
    const file = flag<string>(p, 'output');
    const reporter = reporterRaw === undefined ? undefined : parseReporter(reporterRaw);
    if ((reporter === undefined) !== (file === undefined)) throw new UsageError('--reporter and --output go together');
    const report = mergeReports(p.positional, p.positional.map(readReport));
    io.err(`merge: ${p.positional.length} shard file(s), ${report.results.length} runs`);
    printSummary(report, io, report.stopped === 'interrupted');
    if (reporter && file) {
      writeReport(report, reporter, file);
      io.out(`${reporter} report: ${file}`);
    }
    return exitCodeOf(report);
  },
};
