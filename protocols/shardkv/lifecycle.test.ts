import { describe, expect, it } from 'vitest';
import { serves, settled, step } from './lifecycle.ts';

describe('the shard lifecycle chart', () => {
  it('takes a pulled shard through Pulling and GCing to Serving, and a lost one through BePulling to Absent', () => {
    expect(step('Absent', 'GAIN')).toBe('Pulling');
    expect(step('Pulling', 'INSTALLED')).toBe('GCing');
    expect(step('GCing', 'GC_DONE')).toBe('Serving');
    expect(step('Serving', 'LOSE')).toBe('BePulling');
    expect(step('BePulling', 'DELETED')).toBe('Absent');
    expect(step('Absent', 'GAIN_NEW')).toBe('Serving');
    expect(step('Serving', 'DROP')).toBe('Absent');
  });

  it('ignores an event with no transition (a duplicate install, a late delete)', () => {
    expect(step('GCing', 'INSTALLED')).toBe('GCing');
    expect(step('Absent', 'DELETED')).toBe('Absent');
    expect(step('Pulling', 'LOSE')).toBe('Pulling');
  });

  it('serves in Serving and GCing only; is settled in Serving and Absent only', () => {
    expect((['Absent', 'Serving', 'Pulling', 'BePulling', 'GCing'] as const).map((s) => [serves(s), settled(s)])).toEqual([
      [false, true],
      [true, true],
      [false, false],
      [false, false],
      [true, false],
    ]);
  });
});
