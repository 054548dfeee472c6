/**
 * Text-driven interaction tests for Raft, in the manner of etcd's rafttest
 * (testdata files of commands with the expected output under each). A
 * command is a thin parser over a RaftCluster method that ordinary tests
 * call too; the output names every message delivered, in the one-line
 * descriptions of describe.ts, and every fact, apply and applier error the
 * step emitted, indented under it.
 *
 *     > cluster 3 seed=1          RaftCluster(3, { seed: 1 }) (snapshot=N: 3D applier every N)
 *     > fire 0 election           fire(0, 'election')
 *     > start 0 x                 start(0, 'x') (numbers stay numbers)
 *     > deliver 2                 deliverOne() twice (default once)
 *     > stabilize                 pump() until no flight is left
 *     > flights                   the flights on their way, oldest first
 *     > crash 1 / restart 1 / disconnect 1 / connect 1
 *     > partition 0,1 2           partition([0, 1], [2])
 *     > state                     one line per node: role, term, vote, last index, commit
 *
 * Lines starting with # are comments. `runScript` returns the file with every
 * command's output rewritten from the run: the test compares it with the
 * file, and rewrites the file when asked (reviewed as a diff).
 */
import type { Payload, ProbeFlight } from '../../sim/contract.ts';
import { describeRaft } from './describe.ts';
import type { ApplyMsg } from './types.ts';
import { RaftCluster } from './testkit.ts';

/** One command and the output lines written under it. */
interface Block {
  readonly comments: readonly string[];
  readonly command: string;
}

function parse(text: string): Block[] {
  const blocks: Block[] = [];
  let comments: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || (line.trim() === '' && blocks.length === 0)) comments.push(line);
    else if (line.startsWith('> ')) {
      blocks.push({ comments, command: line.slice(2).trim() });
      comments = [];
    }
  }
  return blocks;
}

/** Runs every command of a script; returns the script with the actual output under each command. */
export function runScript(text: string): string {
  const out: string[] = [];
  const session = new Session();
  for (const b of parse(text)) {
    out.push(...b.comments, `> ${b.command}`);
    try {
      out.push(...session.run(b.command));
    } catch (e) {
      out.push(`error: ${(e as Error).message}`);
    }
  }
  return out.join('\n') + '\n';
}

class Session {
  private c: RaftCluster | undefined;
  private seen = { facts: 0, applies: 0, errors: 0 };

  run(command: string): string[] {
    const [verb, ...args] = command.split(/\s+/);
    const lines: string[] = [];
    if (verb === 'cluster') return this.start(args);
    const c = this.cluster();
    const node = () => index(args[0], c.n);
    switch (verb) {
      case 'fire':
        c.fire(node(), word(args[1]));
        break;
      case 'start':
        lines.push(`index=${c.start(node(), commandOf(args[1])).index}`);
        break;
      case 'deliver':
        for (let k = 0; k < Number(args[0] ?? 1) && c.probe.flights.length > 0; k++) lines.push(...this.deliver());
        return lines;
      case 'stabilize':
        while (c.probe.flights.length > 0) lines.push(...this.deliver());
        return lines;
      case 'flights':
        return c.probe.flights.map(describeFlight);
      case 'crash':
        c.crash(node());
        break;
      case 'restart':
        c.restart(node());
        break;
      case 'disconnect':
        c.disconnect(node());
        break;
      case 'connect':
        c.connect(node());
        break;
      case 'partition':
        c.partition(...args.map((g) => g.split(',').map((i) => index(i, c.n))));
        break;
      case 'state':
        return Array.from({ length: c.n }, (_, i) => describeNode(c, i));
      default:
        throw new Error(`unknown command ${verb}`);
    }
    return [...lines, ...this.emitted('')];
  }

  private start(args: string[]): string[] {
    const n = index(args[0], 100);
    const opt = (key: string) => Number(args.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1) ?? 0);
    this.c = new RaftCluster(n, { seed: opt('seed') || 1, snapshotEvery: opt('snapshot') });
    this.seen = { facts: 0, applies: 0, errors: 0 };
    return this.emitted('');
  }

  private cluster(): RaftCluster {
    if (this.c === undefined) throw new Error('no cluster yet (cluster N)');
    return this.c;
  }

  /** Delivers the oldest flight: its line, then what the step it caused emitted. */
  private deliver(): string[] {
    const c = this.cluster();
    const f = c.probe.flights[0]!;
    const reached = c.probe.rpcs.length;
    c.deliverOne();
    const lost = f.kind === 'request' && c.probe.rpcs.length === reached;
    return [`${describeFlight(f)}${lost ? '  (unreachable)' : ''}`, ...this.emitted('  ')];
  }

  /** The facts, applies and applier errors since the last look, one a line. */
  private emitted(indent: string): string[] {
    const c = this.cluster();
    const p = c.probe;
    const lines: string[] = [];
    for (const f of p.facts.slice(this.seen.facts)) lines.push(`${indent}${f.node} ${describeFact(f.value)}`);
    for (const a of p.applies.slice(this.seen.applies)) lines.push(`${indent}${a.node} apply ${describeApply(a.value as ApplyMsg)}`);
    for (const e of c.errors.slice(this.seen.errors)) lines.push(`${indent}applier error: ${e}`);
    this.seen = { facts: p.facts.length, applies: p.applies.length, errors: c.errors.length };
    return lines;
  }
}

function describeFlight(f: ProbeFlight): string {
  if (f.kind === 'request') return `${f.caller}→${f.callee} ${describeRaft(f.method, f.args, false)}`;
  const method = f.method.replace(/^Raft\./, '');
  return `${f.callee}→${f.caller} ${method} ${f.ok ? `reply ${describeRaft(f.method, f.reply, true)}` : 'failed'}`;
}

/** A fact as its type, then its fields as key=value (log entries as term/command). */
function describeFact(fact: Payload): string {
  const { type, ...fields } = fact as { type: string } & Record<string, unknown>;
  const parts = Object.entries(fields).map(([k, v]) => {
    if (k === 'entries') return `entries=[${(v as { term: number; cmd: Payload }[]).map((e) => `${e.term}/${JSON.stringify(e.cmd)}`).join(' ')}]`;
    return `${k}=${v === null ? 'none' : String(v)}`;
  });
  return [type, ...parts].join(' ');
}

function describeApply(m: ApplyMsg): string {
  return m.commandValid ? `${m.commandIndex} ${JSON.stringify(m.command)}` : `snapshot through ${m.snapshotTerm}/${m.snapshotIndex}`;
}

function describeNode(c: RaftCluster, i: number): string {
  if (!c.alive(i)) return `${i} crashed`;
  const st = c.state(i);
  const last = st.log.base + st.log.entries.length;
  return `${i} ${st.role.kind} term=${st.currentTerm} vote=${st.votedFor ?? 'none'} last=${last} commit=${st.commitIndex}${c.connected[i] ? '' : ' (disconnected)'}`;
}

function index(text: string | undefined, n: number): number {
  const i = Number(text);
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`expected a node number below ${n}, got ${text ?? 'nothing'}`);
  return i;
}

function word(text: string | undefined): string {
  if (text === undefined || text === '') throw new Error('expected a timer name');
  return text;
}

/** A command argument: a number when it reads as one, else the text. */
function commandOf(text: string | undefined): Payload {
  if (text === undefined) throw new Error('expected a command');
  return /^-?\d+$/.test(text) ? Number(text) : text;
}
