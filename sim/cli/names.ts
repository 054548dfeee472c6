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

/**
 * The items a Go test name (or a bare test name) stands for: `TestBackup3B`
 * or `backup` → raft/3B/backup, `TestSnapshotInstall3D` → raft/3D/install,
 * `TestMemGet2` → kvsrv/mem-get. The name, without "Test" and its lab part
 * ("3B", "2"), must end with the item's last segment; the longest such
 * segment wins, and a lab part keeps only items under that part.
 */
export function goTestMatches<T extends { readonly name: string }>(typed: string, items: readonly T[]): T[] {
  const stripped = typed.replace(/^test/i, '');
  const m = /^(.*?)(\d[a-z]?)?$/i.exec(stripped)!;
  const part = m[2];
  // A digits-only part may be the lab ("MemGet2") or part of the name ("persist1"): try both.
  const bodies = [squash(m[1]!), ...(part !== undefined && !/[a-z]/i.test(part) ? [squash(stripped)] : [])].filter((b) => b.length > 0);
  if (bodies.length === 0) return [];
  const inPart = (x: T) => part === undefined || !/[a-z]/i.test(part) || x.name.toLowerCase().includes(`/${part.toLowerCase()}/`);
  let best: T[] = [];
  let bestLength = 0;
  for (const x of items) {
    const last = squash(x.name.slice(x.name.lastIndexOf('/') + 1));
    if (last.length === 0 || !bodies.some((b) => b.endsWith(last)) || !inPart(x)) continue;
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
