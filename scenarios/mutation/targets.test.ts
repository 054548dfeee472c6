import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../sim/property.ts';
import { allScenarios } from '../../sim/scenario.ts';
import '../index.ts';
import { checkPrefixes, DEFAULT_TARGETS, mutateGlobs, mutationTargets, PROTOCOL_CHECKS, protocolOf, targetsName } from './targets.ts';

describe('npm run mutation targets', () => {
  it('maps files and folders under protocols/ to their protocol, and rejects anything else with the reason', () => {
    expect(protocolOf('protocols/raft')).toBe('raft');
    expect(protocolOf('protocols/raft/')).toBe('raft');
    expect(protocolOf('protocols/kvsrv/server.ts')).toBe('kvsrv');
    expect(() => protocolOf('sim/node.ts')).toThrow(/under protocols\//);
    expect(() => protocolOf('protocols/nope')).toThrow(/under protocols\//);
    expect(() => protocolOf('protocols/raft/log.test.ts')).toThrow(/is a test file/);
    expect(() => mutationTargets({ SIMLAB_MUTATE: 'protocols/raft,lib' })).toThrow(/got "lib"/);
  });

  it('mutates a folder as its .ts files less tests and tooling, a file as itself', () => {
    expect(mutateGlobs(['protocols/raft', 'protocols/kvsrv/server.ts'])).toEqual([
      'protocols/raft/**/*.ts',
      'protocols/kvsrv/server.ts',
      '!protocols/**/*.test.ts',
      '!protocols/**/testkit.ts',
      '!protocols/raft/script.ts',
      '!protocols/**/describe.ts',
    ]);
    expect(targetsName(['protocols/raft/log.ts', 'protocols/kvsrv'])).toBe('kvsrv+raft-log');
  });

  it('runs the checks of the targets\' labs only', () => {
    expect(checkPrefixes(['protocols/raft/log.ts'])).toEqual({ scenarios: ['raft/'], properties: ['prop/raft/'], modules: ['raft/index.ts', 'properties/raft.ts'] });
    expect(checkPrefixes(['protocols/kvsrv', 'protocols/mapreduce'])).toEqual({
      scenarios: ['kvsrv/', 'mr/', 'mrx/'],
      properties: [],
      modules: ['kvsrv/index.ts', 'mr/index.ts', 'mrx/index.ts'],
    });
    expect(mutationTargets({})).toEqual(DEFAULT_TARGETS);
  });

  it('names only protocol folders and scenario modules that exist, and prefixes that select registered scenarios and properties', () => {
    const scenarios = allScenarios().map((s) => s.name);
    const properties = allProperties().map((p) => p.name);
    for (const [dir, checks] of Object.entries(PROTOCOL_CHECKS)) {
      expect(existsSync(new URL(`../../protocols/${dir}`, import.meta.url)), dir).toBe(true);
      for (const m of checks.modules) expect(existsSync(new URL(`../${m}`, import.meta.url)), m).toBe(true);
      for (const p of checks.scenarios) expect(scenarios.some((n) => n.startsWith(p)), p).toBe(true);
      for (const p of checks.properties) expect(properties.some((n) => n.startsWith(p)), p).toBe(true);
    }
  });
});
