import { describe, expect, it } from 'vitest';
import { sortedOutputs } from '../../protocols/mapreduce/sequential.ts';
import { runJob } from '../../protocols/mapreduce/testkit.ts';
import { mrReissueAfter1s } from './mapreduce.ts';

const inputs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => ({ name: `pg-${n}.txt`, contents: n }));

describe('mrReissueAfter1s', () => {
  it('runs some jobcount map twice, which the correct coordinator never does', () => {
    const bug = runJob({ app: 'jobcount', inputs, workers: 2, coordinator: mrReissueAfter1s });
    const bugRuns = bug.world.facts('mr/run').filter((f) => f.fact.kind === 'map').length;
    expect(bugRuns).toBeGreaterThan(8);
    expect(sortedOutputs(bug.world.fs)).not.toBe('a 8\n');

    const good = runJob({ app: 'jobcount', inputs, workers: 2 });
    expect(good.world.facts('mr/run').filter((f) => f.fact.kind === 'map')).toHaveLength(8);
    expect(sortedOutputs(good.world.fs)).toBe('a 8\n');
  });
});
