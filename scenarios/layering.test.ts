/**
 * The room rules, enforced: imports flow one way, scenarios → (protocols,
 * checkers) → sim. This test reads every TypeScript file of the rooms,
 * takes its import and re-export specifiers (type-only ones too: a type is
 * a dependency), resolves the relative ones, and fails on an edge the rules
 * forbid:
 * - sim/ imports only sim/ (the kernel knows no protocol, checker or test);
 * - protocols/ imports protocols/ and, of sim/, only the entrance sim/contract.ts;
 * - checkers/ imports checkers/ and sim/, never protocols/ (a checker reads
 *   traces, not the protocol's code) nor scenarios/;
 * - scenarios/ may import every room but bench/ and bin/ (the entry points).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOMS = ['sim', 'protocols', 'checkers', 'scenarios', 'bench', 'bin'] as const;
type Room = (typeof ROOMS)[number];

export interface Edge {
  /** Both paths relative to the repository root, with forward slashes. */
  readonly from: string;
  readonly to: string;
}

function roomOf(path: string): Room | undefined {
  const top = path.split('/')[0] as Room;
  return ROOMS.includes(top) ? top : undefined;
}

/** Why an edge breaks a room rule, or null if it is allowed. */
export function ruleBroken(e: Edge): string | null {
  const from = roomOf(e.from);
  const to = roomOf(e.to);
  if (from === undefined || to === undefined || from === to) return null;
  switch (from) {
    case 'sim':
      return `sim/ imports only sim/, not ${to}/`;
    case 'protocols':
      return to === 'sim' && e.to === 'sim/contract.ts' ? null : `protocols/ imports of sim/ only the entrance sim/contract.ts`;
    case 'checkers':
      return to === 'sim' ? null : `checkers/ imports checkers/ and sim/ only, not ${to}/`;
    case 'scenarios':
      return to === 'bench' || to === 'bin' ? `scenarios/ does not import the entry points (${to}/)` : null;
    default:
      return null;
  }
}

/** Source text without comments (a comment quoting an import is not one). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const STATIC = /(?:^|[;}\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s*from\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative import specifiers of one file's text, resolved against its path. */
export function importsOf(path: string, text: string): Edge[] {
  const code = withoutComments(text);
  const edges: Edge[] = [];
  for (const re of [STATIC, DYNAMIC]) {
    for (const m of code.matchAll(re)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) continue;
      edges.push({ from: path, to: normalize(join(dirname(path), spec)).split('\\').join('/') });
    }
  }
  return edges;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function allEdges(): Edge[] {
  return ROOMS.flatMap((room) => sourceFiles(room)).flatMap((path) => importsOf(path, readFileSync(join(root, path), 'utf8')));
}

describe('layering', () => {
  it('reads the imports of the rooms (static, re-exports, type-only, dynamic; comments skipped)', () => {
    const text = [
      "import { a } from '../sim/node.ts';",
      "import type {\n  B,\n  C,\n} from './types.ts';",
      "export { d } from '../../checkers/raft/index.ts';",
      "import './side-effect.ts';",
      "const m = await import('../sim/world.ts');",
      "// import { e } from '../sim/host.ts';",
      "/* import { f } from '../sim/queue.ts'; */",
      "import { g } from 'vitest';",
    ].join('\n');
    expect(importsOf('protocols/raft/x.ts', text).map((e) => e.to)).toEqual([
      'protocols/sim/node.ts',
      'protocols/raft/types.ts',
      'checkers/raft/index.ts',
      'protocols/raft/side-effect.ts',
      'protocols/sim/world.ts',
    ]);
  });

  it('names the edges the rules forbid and allows the others', () => {
    const broken = (from: string, to: string) => ruleBroken({ from, to });
    expect(broken('protocols/raft/index.ts', 'sim/contract.ts')).toBeNull();
    expect(broken('protocols/raft/index.ts', 'sim/world.ts')).toMatch(/only the entrance/);
    expect(broken('protocols/raft/index.ts', 'checkers/raft/index.ts')).toMatch(/only the entrance/);
    expect(broken('checkers/raft/checker.ts', 'sim/trace.ts')).toBeNull();
    expect(broken('checkers/raft/checker.ts', 'protocols/raft/types.ts')).toMatch(/not protocols/);
    expect(broken('sim/cli/run.ts', 'scenarios/index.ts')).toMatch(/not scenarios/);
    expect(broken('scenarios/raft/config.ts', 'protocols/raft/index.ts')).toBeNull();
    expect(broken('scenarios/raft/config.ts', 'bin/main.ts')).toMatch(/entry points/);
    expect(broken('bin/main.ts', 'scenarios/index.ts')).toBeNull();
  });

  it('finds no import against the room rules in the tree', () => {
    const edges = allEdges();
    expect(edges.length).toBeGreaterThan(300);
    const broken = edges.flatMap((e) => {
      const why = ruleBroken(e);
      return why === null ? [] : [`${e.from} → ${e.to}: ${why}`];
    });
    expect(broken).toEqual([]);
  });
});

/** The import cycles of a graph, each as the files around it (the first file repeated at the end). */
export function cyclesOf(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of next.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t]);
      else if (state.get(t) === undefined) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...next.keys()].sort()) if (state.get(f) === undefined) visit(f);
  return cycles;
}

describe('import cycles', () => {
  it('are found, shortest loop first seen', () => {
    const e = (from: string, to: string): Edge => ({ from, to });
    expect(cyclesOf([e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd')])).toEqual([['a', 'b', 'c', 'a']]);
    expect(cyclesOf([e('a', 'b'), e('b', 'c')])).toEqual([]);
  });

  it('do not exist among the Raft node modules (handlers → roles → log → types)', () => {
    const raft = allEdges().filter((e) => e.from.startsWith('protocols/raft/') && e.to.startsWith('protocols/raft/') && !e.from.endsWith('.test.ts'));
    expect(cyclesOf(raft).map((c) => c.join(' → '))).toEqual([]);
  });
});
