import { describe, expect, it } from 'vitest';
import { etcdModel, registerModel } from './index.ts';
import { ILLEGAL, OK, PartitionSearch, plainDataKey, RUNNING } from './search.ts';
import type { Operation } from './types.ts';
import type { EtcdInput, EtcdOutput } from './models/etcd.ts';

describe('PartitionSearch', () => {
  const ops: Operation<EtcdInput, EtcdOutput>[] = [
    { clientId: 0, input: { f: 'write', value: 1 }, call: 0, return: Infinity, output: undefined },
    { clientId: 1, input: { f: 'write', value: 2 }, call: 1, return: 5, output: { ok: true } },
    { clientId: 2, input: { f: 'write', value: 1 }, call: 2, return: Infinity, output: undefined },
    { clientId: 3, input: { f: 'read' }, call: 6, return: 7, output: { ok: true, value: 1 } },
    { clientId: 4, input: { f: 'cas', from: 1, to: 3 }, call: 8, return: 9, output: { ok: true } },
    { clientId: 5, input: { f: 'read' }, call: 10, return: 11, output: { ok: true, value: 3 } },
  ];

  it('reaches the same answer in steps of one as in a single run', () => {
    const whole = new PartitionSearch(etcdModel, ops);
    expect(whole.run(Infinity, Infinity)).toBe(OK);
    const sliced = new PartitionSearch(etcdModel, ops);
    let turns = 0;
    while (sliced.run(1, Infinity) === RUNNING) turns++;
    expect(sliced.status).toBe(OK);
    expect(turns + 1).toBe(sliced.steps);
    expect(sliced.steps).toBe(whole.steps);
    expect(sliced.linearization()).toEqual(whole.linearization());
  });

  it('uses an open write to explain a later read: its linearization replays legally and respects real time', () => {
    const search = new PartitionSearch(etcdModel, ops);
    search.run(Infinity, Infinity);
    const order = search.linearization();
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    let state: number | null | undefined = etcdModel.init();
    for (const i of order) state = state === undefined ? undefined : etcdModel.step(state, ops[i]!.input, ops[i]!.output);
    expect(state).toBe(3);
    const misordered = order.filter((a, k) => order.slice(k + 1).some((b) => ops[b]!.return < ops[a]!.call));
    expect(misordered).toEqual([]);
  });

  it('reports the longest prefix and the first operation it could not place', () => {
    const register = registerModel(0);
    const bad: Operation<{ op: 'put'; value: number } | { op: 'get' }, { value?: number }>[] = [
      { clientId: 0, input: { op: 'put', value: 1 }, call: 0, return: 1, output: {} },
      { clientId: 0, input: { op: 'get' }, call: 2, return: 3, output: { value: 1 } },
      { clientId: 0, input: { op: 'get' }, call: 4, return: 5, output: { value: 0 } },
      { clientId: 1, input: { op: 'put', value: 5 }, call: 0, return: 9, output: {} },
    ];
    const search = new PartitionSearch(register, bad);
    expect(search.run(Infinity, Infinity)).toBe(ILLEGAL);
    // put 1, get → 1, then the concurrent put 5: the get → 0 fits nowhere after them.
    expect(search.linearization()).toEqual([0, 1, 3]);
    expect(search.firstUnplaced()).toBe(2);
  });
});

describe('plainDataKey (which open operations count as interchangeable)', () => {
  it('keys plain data by its JSON and refuses what JSON would blur', () => {
    expect(plainDataKey({ f: 'write', value: 3 })).toBe('{"f":"write","value":3}');
    expect(plainDataKey([1, 'a', null, { b: true }])).toBe('[1,"a",null,{"b":true}]');
    expect(plainDataKey(new Map([[1, 2]]))).toBeUndefined();
    expect(plainDataKey({ value: undefined })).toBeUndefined();
    expect(plainDataKey({ value: NaN })).toBeUndefined();
    expect(plainDataKey({ value: -0 })).toBeUndefined();
    expect(plainDataKey({ at: new Date(0) })).toBeUndefined();
  });
});
