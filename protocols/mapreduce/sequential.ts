/**
 * The reference the tests compare against (Go's mrsequential): map every
 * input, sort all pairs by key, reduce each key once, one "key value" line per
 * key. Plus the comparison form of the test script, `sort mr-out* | grep .`.
 */
import { type FileView, Prng } from '../../sim/contract.ts';
import type { AppContext, MrApp } from './apps.ts';
import { compareUtf8 } from './ihash.ts';
import { groupInto, sortedGroups } from './worker.ts';

export interface InputFile {
  readonly name: string;
  readonly contents: string;
}

/** The context of the reference run: pid 0 at time 0 in an empty directory. Apps that use it are timing apps. */
function referenceContext(callIndex: number, rng: Prng): AppContext {
  return { pid: 0, nowUs: 0, rng, fs: { read: () => undefined, list: () => [] }, callIndex };
}

/**
 * The contents mrsequential writes to mr-out-0 for `app` over `inputs`
 * (in the order given). Durations are ignored; an app that crashes has no
 * reference output and throws.
 */
export function runSequential(app: MrApp, inputs: readonly InputFile[]): string {
  const rng = new Prng(0);
  const byKey = new Map<string, string[]>();
  inputs.forEach((file, i) => {
    const outcome = app.map(file.name, file.contents, referenceContext(i, rng));
    if (outcome.kind === 'crash') throw new Error(`${app.name} crashed in the sequential reference`);
    groupInto(byKey, outcome.result);
  });
  const lines: string[] = [];
  sortedGroups(byKey).forEach(({ key, values }, call) => {
    const outcome = app.reduce(key, values, referenceContext(call, rng));
    if (outcome.kind === 'crash') throw new Error(`${app.name} crashed in the sequential reference`);
    lines.push(`${key} ${outcome.result}\n`);
  });
  return lines.join('');
}

/** Non-empty lines of `text`, sorted bytewise (as `sort | grep .` under LC_ALL=C), each ending in "\n". */
export function sortedNonEmptyLines(text: string): string {
  const lines = text.split('\n').filter((l) => l !== '');
  lines.sort(compareUtf8);
  return lines.map((l) => `${l}\n`).join('');
}

/** The test's comparison form of a directory: `sort mr-out* | grep .`. */
export function sortedOutputs(fs: FileView): string {
  const parts: string[] = [];
  for (const name of fs.list('mr-out')) parts.push(fs.read(name) ?? '');
  return sortedNonEmptyLines(parts.join('\n'));
}
