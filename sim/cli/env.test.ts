import { describe, expect, it } from 'vitest';
import { UsageError } from './args.ts';
import { envDeterminism, envWorkers, testFcParams, testSeeds } from './env.ts';

describe('the SIMLAB_* variables for the vitest helpers', () => {
  it('testSeeds: the defaults, or SIMLAB_RUNS seeds from SIMLAB_SEED (madsim style)', () => {
    expect(testSeeds([1, 2, 3], {})).toEqual([1, 2, 3]);
    expect(testSeeds([1, 2, 3], { SIMLAB_SEED: '500' })).toEqual([500, 501, 502]);
    expect(testSeeds([1, 2, 3], { SIMLAB_SEED: '500', SIMLAB_RUNS: '2' })).toEqual([500, 501]);
    expect(testSeeds([1, 2, 3], { SIMLAB_RUNS: '5' })).toEqual([1, 2, 3, 4, 5]);
    const [first, second] = testSeeds([1, 2], { SIMLAB_SEED: 'random' });
    expect(second).toBe(first! + 1);
  });

  it('testFcParams: SIMLAB_SEED (or "random") and SIMLAB_RUNS override the test\'s own', () => {
    expect(testFcParams({ seed: 2024, numRuns: 150 }, {})).toEqual({ seed: 2024, numRuns: 150 });
    expect(testFcParams({ seed: 2024, numRuns: 150 }, { SIMLAB_SEED: '-7', SIMLAB_RUNS: '10' })).toEqual({ seed: -7, numRuns: 10 });
    expect(testFcParams({ seed: 2024, numRuns: 150 }, { SIMLAB_SEED: 'random' }).seed).not.toBe(2024);
  });

  it('bad values are one-line usage errors naming the variable', () => {
    expect(() => testSeeds([1], { SIMLAB_RUNS: '0' })).toThrow(new UsageError('SIMLAB_RUNS must be an integer from 1 to 10000000, got "0"'));
    expect(() => envWorkers({ SIMLAB_WORKERS: '2x' })).toThrow(UsageError);
    expect(() => envDeterminism({ SIMLAB_CHECK_DETERMINISM: 'yes' })).toThrow('SIMLAB_CHECK_DETERMINISM must be 1 or 0, got "yes"');
    expect(envDeterminism({ SIMLAB_CHECK_DETERMINISM: '1' })).toBe(true);
    expect(envDeterminism({ SIMLAB_CHECK_DETERMINISM: '0' })).toBe(false);
  });
});
