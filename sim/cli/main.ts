/**
 * The CLI's dispatcher. It knows only a registry of commands; the entry file
 * (bin/main.ts) registers the commands of each room and calls `main`.
 * Usage errors print one line and exit 2; failures exit 1; internal errors
 * print one line (the stack only with SIMLAB_DEBUG=1) and exit 70.
 */
import { UsageError } from './args.ts';
import type { CliIO, Command } from './io.ts';
import { allCommand, listCommand, runCommand } from './run.ts';
import { sweepCommand } from './sweep.ts';
import { propCommand } from './properties.ts';
import { replayCliCommand } from './replay.ts';
import { mergeCommand } from './merge.ts';

const commands = new Map<string, Command>();

export function registerCommand(c: Command): void {
  if (commands.has(c.name)) throw new Error(`command ${c.name} registered twice`);
  commands.set(c.name, c);
}

for (const c of [allCommand, listCommand, runCommand, sweepCommand, mergeCommand, propCommand, replayCliCommand]) registerCommand(c);

function help(io: CliIO): void {
  io.out('simlab — a deterministic simulator for the MIT 6.5840 labs');
  io.out('');
  io.out('usage: simlab [COMMAND] [ARGS]   (no command: run every scenario for seed 1)');
  io.out('');
  const width = Math.max(...[...commands.keys()].map((k) => k.length));
  for (const c of commands.values()) io.out(`  ${c.name.padEnd(width)}  ${c.summary}`);
  io.out('');
  io.out('simlab help COMMAND shows a command\'s options.');
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first.startsWith('--')) {
      if (first === '--help' || first === '-h') {
        help(io);
        return 0;
      }
      return await allCommand.run([...argv], io);
    }
    if (first === 'help' || first === '-h') {
      const c = rest[0] !== undefined ? commands.get(rest[0]) : undefined;
      if (rest[0] !== undefined && !c) throw new UsageError(`unknown command "${rest[0]}"`);
      if (c) io.out(c.usage);
      else help(io);
      return 0;
    }
    const c = commands.get(first);
    if (!c) throw new UsageError(`unknown command "${first}" (commands: ${[...commands.keys()].join(', ')})`);
    if (rest.includes('--help')) {
      io.out(c.usage);
      return 0;
    }
    return await c.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`simlab: ${e.message}`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`simlab: internal error: ${err.message}`);
    if (process.env.SIMLAB_DEBUG === '1' && err.stack) io.err(err.stack);
    return 70;
  }
}
