/**
 * The CLI's dispatcher. It knows only a registry of commands; the entry file
 * (bin/main.ts) registers the commands of each room and calls `main`.
 * Usage errors print one line and exit 2; failures exit 1; internal errors
 * print one line (the stack only with SIMLAB_DEBUG=1) and exit 70.
 */
import { closest, UsageError } from './args.ts';
import type { CliIO, Command } from './io.ts';
import { allCommand } from './all.ts';
import { listCommand, runCommand } from './run.ts';
import { sweepCommand } from './sweep.ts';
import { propCommand } from './properties.ts';
import { replayCliCommand, simlabVersion } from './replay.ts';
import { mergeCommand } from './merge.ts';
import { nameSuggestion, resolveTargets } from './names.ts';
import { isUserFile } from './user-files.ts';
import { allowNondeterminism } from '../step-guard.ts';

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
  io.out('simlab PATTERN runs the matching scenarios once: simlab raft/3A, simlab \'raft/3B/*\', simlab TestBackup3B.');
  io.out('simlab help COMMAND shows a command\'s options; simlab --version prints the version.');
  io.out(`Node code that calls Math.random, Date.now, performance.now or host timers fails; ${ALLOW_FLAG} (any command) allows them.`);
}

/** `simlab help …`: the command list, one command's usage, or this. */
function helpCommand(rest: readonly string[], io: CliIO): number {
  const name = rest[0];
  if (name === undefined) help(io);
  else if (name === 'help') io.out(`simlab help [COMMAND]   the command list, or a command's options (commands: ${[...commands.keys()].join(', ')})`);
  else {
    const c = commands.get(name);
    if (!c) throw unknownCommand(name);
    io.out(c.usage);
  }
  return 0;
}

function unknownCommand(name: string): UsageError {
  const command = closest(name, [...commands.keys(), 'help']);
  const hint = command !== undefined ? ` (did you mean ${command}?)` : nameSuggestion(name);
  return new UsageError(`unknown command or scenario "${name}"${hint} (commands: ${[...commands.keys()].join(', ')}; scenarios: simlab list)`);
}

/** `--allow-nondeterminism`, accepted by every command: node code may use the host's clocks, randomness and timers. */
const ALLOW_FLAG = '--allow-nondeterminism';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  allowNondeterminism(argv.includes(ALLOW_FLAG));
  const [first, ...rest] = argv.filter((a) => a !== ALLOW_FLAG);
  try {
    if (first === '--version' || first === '-v') {
      io.out(`simlab ${simlabVersion()}`);
      return 0;
    }
    if (first === '--help' || first === '-h') {
      help(io);
      return 0;
    }
    if (first === undefined || first.startsWith('--')) return await allCommand.run(first === undefined ? rest : [first, ...rest], io);
    if (first === 'help') return helpCommand(rest, io);
    const c = commands.get(first);
    // Not a command: a scenario pattern (or Go test name) runs once, as `simlab all PATTERN`.
    if (!c && (resolveTargets(first).length > 0 || isUserFile(first))) return await allCommand.run([first, ...rest], io);
    if (!c) throw unknownCommand(first);
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
