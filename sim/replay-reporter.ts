/**
 * A fast-check reporter for a simlab property checked from vitest
 * (@fast-check/vitest's `test.prop`, or `fc.assert`): a failure's report
 * ends with the simlab command that replays the shrunk input, so the seed
 * and path fast-check printed need no retyping.
 *
 *     test.prop([raftSafety.arbitrary], { reporter: replayReporter(raftSafety) })('…', (schedule) => { … });
 */
import fc from 'fast-check';
import type { Property } from './property.ts';
import { seedPathCommand } from './cli/replay.ts';

/** The reporter for a property's arbitrary checked alone (`test.prop([p.arbitrary])`); `file` is the file defining a property of your own. */
export function replayReporter<T>(p: Property<T>, file?: string): (details: fc.RunDetails<[T]>) => void {
  return (details) => {
    if (!details.failed) return;
    const report = fc.defaultReportMessage(details) ?? `Property failed after ${details.numRuns} tests`;
    const command = seedPathCommand(p.name, details.seed, details.counterexamplePath ?? '0');
    throw new Error(`${report}\n\nreplay with simlab: ${file === undefined ? command : command.replace(' replay ', ` replay ${file} `)}`);
  };
}
