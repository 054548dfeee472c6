/**
 * Names a person types: scenario and property names or patterns
 * (`raft/3A`, `'raft/3B/*'`), the Go test names they mirror
 * (`TestBackup3B`, `backup`, any case), and a did-you-mean for the rest.
 */
import { allProperties, matchProperties, type Property } from '../property.ts';
import { allScenarios, matchNames, matchScenarios, type Scenario } from '../scenario.ts';
import { closest, UsageError } from './args.ts';

export type Target = Scenario | Property;

/** Lower case, letters and digits only: "Fail-No-Agree" → "failnoagree". */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Labs whose Go tests end in a bare lab number: `TestMemGet2` is lab 2's. */
const LAB_OF_NUMBER: Readonly<Record<string, string>> = { '1': 'mr/', '2': 'kvsrv/' };

/**
 * The items a Go test name (or a bare test name) stands for: `TestBackup3B`
 * or `backup` → raft/3B/backup, `TestSnapshotInstall3D` → raft/3D/install,
 * `TestMemGet2` → kvsrv/mem-get, `TestBasic` (a Go test of sub-tests) →
 * every shardctrler/basic/… section. A lab part ("3B", "2") keeps only items
 * of that lab; a bare number may also belong to the name ("TestConcurrent1").
 * An item whose last segment is the whole name wins; else the name must end
 * with the item's last segment, and the longest such segment wins. Every
 * equally good reading is kept: `TestUnreliable2` is lab 2's
 * kvsrv/unreliable and also shardkv's shardkv/5B/unreliable2.
 */
export function goTestMatches<T extends { readonly name: string }>(typed: string, items: readonly T[]): T[] {
  const stripped = typed.replace(/^test/i, '');
  const m = /^(.*?)(\d[a-z]?)?$/i.exec(stripped)!;
  const part = m[2];
  const readings: { body: string; within: (name: string) => boolean }[] = [];
  if (part === undefined) readings.push({ body: squash(stripped), within: () => true });
  else if (/[a-z]/i.test(part)) readings.push({ body: squash(m[1]!), within: (n) => n.toLowerCase().includes(`/${part.toLowerCase()}/`) });
  else {
    const lab = LAB_OF_NUMBER[part];
    if (lab !== undefined) readings.push({ body: squash(m[1]!), within: (n) => n.startsWith(lab) });
    readings.push({ body: squash(stripped), within: () => true });
  }
  const usable = readings.filter((r) => r.body.length > 0);
  if (usable.length === 0) return [];
  const segments = (x: T) => x.name.split('/').map(squash);
  // A Go test of sub-tests, named without a lab part: TestBasic, TestMulti.
  if (/^test/i.test(typed) && part === undefined) {
    const body = usable[0]!.body;
    const group = items.filter((x) => segments(x).slice(1, -1).includes(body));
    if (group.length > 0) return group;
  }
  const exact = items.filter((x) => usable.some((r) => r.within(x.name) && segments(x).at(-1) === r.body));
  if (exact.length > 0) return exact;
  let best: T[] = [];
  let bestLength = 0;
  for (const x of items) {
    const last = segments(x).at(-1)!;
    if (last.length === 0 || !usable.some((r) => r.within(x.name) && r.body.endsWith(last))) continue;
    if (last.length > bestLength) [best, bestLength] = [[x], last.length];
    else if (last.length === bestLength) best.push(x);
  }
  return best;
}

/** Scenarios and properties for a name, a pattern, or a Go test name; empty when none. */
export function resolveTargets(typed: string): Target[] {
  const found: Target[] = [...matchScenarios(typed), ...matchProperties(typed)];
  if (found.length > 0) return found;
  const all: Target[] = [...allScenarios(), ...allProperties()];
  const anyCase = matchNames(typed.toLowerCase(), all.map((x) => ({ name: x.name.toLowerCase(), x }))).map((m) => m.x);
  if (anyCase.length > 0 || /[*?/]/.test(typed)) return anyCase;
  return goTestMatches(typed, all);
}

/** " (did you mean X?)" for a typo of a scenario or property name, its last segment included. */
export function nameSuggestion(typed: string): string {
  const names = [...allScenarios(), ...allProperties()].map((x) => x.name);
  const bySegment = new Map(names.map((n) => [n.slice(n.lastIndexOf('/') + 1), n]));
  const hit = closest(typed, names) ?? bySegment.get(closest(typed, bySegment.keys()) ?? '');
  return hit === undefined ? '' : ` (did you mean ${hit}?)`;
}

/** The UsageError for a name that matches nothing. */
export function noMatch(typed: string, what = 'scenario or property'): UsageError {
  return new UsageError(`no ${what} matches "${typed}"${nameSuggestion(typed) || ' (see simlab list)'}`);
}
