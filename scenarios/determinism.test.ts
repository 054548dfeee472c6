/**
 * Determinism: the same scenario and seed give the same trace hash in this
 * process, in a fresh process (the bundled CLI), and as pinned in
 * scenarios/pins.json. A change in what a seed means shows up here as a diff
 * to review; rewrite the pins with SIMLAB_UPDATE_PINS=1 npx vitest run scenarios/determinism.test.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import './index.ts';
import { findScenario, runScenario } from '../sim/scenario.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const pinsFile = join(here, 'pins.json');

function hashOf(name: string, seed: number): string {
  const s = findScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  const r = runScenario(s, { seed });
  if (!r.passed) throw new Error(`${name} seed ${seed} failed: ${r.failure?.message}`);
  return r.traceHash;
}

describe('determinism', () => {
  it('three seeds of a demo scenario give the same hash twice here and once in a separate process', () => {
    for (const seed of [1, 2, 3]) {
      const here1 = hashOf('demo/unreliable-ping', seed);
      expect(hashOf('demo/unreliable-ping', seed)).toBe(here1);
      const out = execFileSync(process.execPath, [join(root, 'bin', 'simlab.mjs'), 'run', 'demo/unreliable-ping', '--seed', String(seed)], {
        encoding: 'utf8',
      });
      const m = /trace ([0-9a-f]{16})/.exec(out);
      expect(m?.[1]).toBe(here1);
    }
    expect(hashOf('demo/unreliable-ping', 1)).not.toBe(hashOf('demo/unreliable-ping', 2));
  });

  it('--check-determinism reports a deterministic run', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'simlab.mjs'), 'run', 'demo/ping', '--seed', '4', '--check-determinism'], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/^deterministic: demo\/ping seed=4 ran twice with the same \d+ events/);
  });

  it('matches the pinned hashes (scenarios/pins.json)', () => {
    const pins = JSON.parse(readFileSync(pinsFile, 'utf8')) as Record<string, Record<string, string>>;
    const actual: Record<string, Record<string, string>> = {};
    for (const [name, seeds] of Object.entries(pins)) {
      actual[name] = {};
      for (const seed of Object.keys(seeds)) actual[name][seed] = hashOf(name, Number(seed));
    }
    if (process.env.SIMLAB_UPDATE_PINS === '1') {
      writeFileSync(pinsFile, JSON.stringify(actual, null, 2) + '\n');
      return;
    }
    expect(actual).toEqual(pins);
  });
});
