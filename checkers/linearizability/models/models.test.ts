import { describe, expect, it } from 'vitest';
import { checkOperations } from '../index.ts';
import type { Operation } from '../types.ts';
import { etcdModel } from './etcd.ts';
import { MODELS } from './index.ts';
import { kvModel, kvModelUnpartitioned, type KvInput, type KvOutput, type KvStore } from './kv.ts';
import { setModel } from './set.ts';

const kv = (op: 0 | 1 | 2 | 3, key: string, value = ''): KvInput => ({ op, key, value });

describe('kv models', () => {
  it('steps Get, Put, Append and Append-returning-the-old-value', () => {
    expect(kvModel.step('ab', kv(0, 'k'), { value: 'ab' })).toBe('ab');
    expect(kvModel.step('ab', kv(0, 'k'), { value: 'a' })).toBeUndefined();
    expect(kvModel.step('ab', kv(1, 'k', 'z'), { value: '' })).toBe('z');
    expect(kvModel.step('ab', kv(2, 'k', 'c'), { value: 'ignored' })).toBe('abc');
    expect(kvModel.step('ab', kv(3, 'k', 'c'), { value: 'ab' })).toBe('abc');
    expect(kvModel.step('ab', kv(3, 'k', 'c'), { value: 'a' })).toBeUndefined();
  });

  it('compares long appended values exactly (the part-by-part comparison of the latest append)', () => {
    const chunk = (c: string) => c.repeat(2000);
    let state = kvModel.init();
    for (const c of 'abc') state = kvModel.step(state, kv(3, 'k', chunk(c)), { value: state })!;
    expect(state).toBe(chunk('a') + chunk('b') + chunk('c'));
    const good = chunk('a') + chunk('b') + chunk('c');
    expect(kvModel.step(state, kv(0, 'k'), { value: good })).toBe(state);
    // Same length, one character different: in the head, at the seam, in the tail.
    for (const at of [10, 4000, 4001, 5999]) {
      const bad = good.slice(0, at) + 'z' + good.slice(at + 1);
      expect(kvModel.step(state, kv(0, 'k'), { value: bad })).toBeUndefined();
      expect(kvModel.step(state, kv(3, 'k', 'x'), { value: bad })).toBeUndefined();
    }
    // A state of the same length that the latest append did not make is compared whole.
    const other = 'q'.repeat(good.length);
    expect(kvModel.step(other, kv(0, 'k'), { value: other })).toBe(other);
    expect(kvModel.step(other, kv(0, 'k'), { value: good })).toBeUndefined();
    expect(kvModel.step(good.slice(), kv(0, 'k'), { value: good })).toBe(good);
  });

  it('lets an unknown outcome read anything and still apply writes', () => {
    expect(kvModel.step('ab', kv(0, 'k'), undefined)).toBe('ab');
    expect(kvModel.step('ab', kv(3, 'k', 'c'), undefined)).toBe('abc');
    expect(kvModel.partition!(kv(0, 'k7'))).toBe('k7');
  });

  it('keeps the unpartitioned store equal and equally hashed whatever order keys were written in', () => {
    const run = (inputs: KvInput[]) => inputs.reduce<KvStore>((s, i) => kvModelUnpartitioned.step(s, i, { value: '' })!, kvModelUnpartitioned.init());
    const a = run([kv(1, 'x', '1'), kv(1, 'y', '2'), kv(2, 'x', '3')]);
    const b = run([kv(1, 'y', '2'), kv(1, 'x', '13')]);
    const c = run([kv(1, 'y', '2'), kv(1, 'x', '1')]);
    expect(kvModelUnpartitioned.equal!(a, b)).toBe(true);
    expect(kvModelUnpartitioned.hash!(a)).toBe(kvModelUnpartitioned.hash!(b));
    expect(kvModelUnpartitioned.equal!(a, c)).toBe(false);
    expect(kvModelUnpartitioned.step(a, kv(0, 'x'), { value: '13' })).toBe(a);
    expect(kvModelUnpartitioned.step(a, kv(0, 'z'), { value: '' })).toBe(a);
    expect(kvModelUnpartitioned.step(a, kv(0, 'x'), { value: '1' })).toBeUndefined();
    expect(kvModelUnpartitioned.describeState!(a)).toBe('{"x": "13", "y": "2"}');
    // A put of "" is the same store as never writing the key.
    const emptied = run([kv(1, 'x', '13'), kv(1, 'y', '2'), kv(1, 'q', 'v'), kv(1, 'q', '')]);
    expect(kvModelUnpartitioned.equal!(a, emptied) && kvModelUnpartitioned.hash!(a) === kvModelUnpartitioned.hash!(emptied)).toBe(true);
  });

  it('gives the same verdict partitioned and unpartitioned on a cross-key history', () => {
    const ops: Operation<KvInput, KvOutput>[] = [
      { clientId: 0, input: kv(1, 'a', '1'), call: 0, return: 10, output: { value: '' } },
      { clientId: 1, input: kv(1, 'b', '2'), call: 0, return: 10, output: { value: '' } },
      { clientId: 2, input: kv(0, 'a'), call: 20, return: 30, output: { value: '1' } },
      { clientId: 3, input: kv(3, 'b', '3'), call: 20, return: 30, output: { value: '2' } },
      { clientId: 4, input: kv(0, 'b'), call: 40, return: 50, output: { value: '2' } },
    ];
    expect(checkOperations(kvModel, ops).verdict).toBe('illegal');
    expect(checkOperations(kvModelUnpartitioned, ops).verdict).toBe('illegal');
    const fixed = ops.map((op, i) => (i === 4 ? { ...op, output: { value: '23' } } : op));
    expect(checkOperations(kvModel, fixed).verdict).toBe('ok');
    expect(checkOperations(kvModelUnpartitioned, fixed).verdict).toBe('ok');
  });
});

describe('etcd model (README rules)', () => {
  it('reads: legal when unknown or equal to the state, absent as null', () => {
    expect(etcdModel.step(null, { f: 'read' }, { ok: true, value: null })).toBeNull();
    expect(etcdModel.step(3, { f: 'read' }, { ok: true, value: null })).toBeUndefined();
    expect(etcdModel.step(3, { f: 'read' }, undefined)).toBe(3);
  });

  it('cas: swaps when it succeeded from `from`, fails only when the state differs, and an unknown one swaps exactly when the state is `from`', () => {
    const cas = { f: 'cas', from: 1, to: 2 } as const;
    expect(etcdModel.step(1, cas, { ok: true })).toBe(2);
    expect(etcdModel.step(0, cas, { ok: true })).toBeUndefined();
    expect(etcdModel.step(0, cas, { ok: false })).toBe(0);
    expect(etcdModel.step(1, cas, { ok: false })).toBeUndefined();
    expect(etcdModel.step(1, cas, undefined)).toBe(2);
    expect(etcdModel.step(null, cas, undefined)).toBeNull();
    expect(etcdModel.step(null, { f: 'write', value: 4 }, undefined)).toBe(4);
  });
});

describe('set model', () => {
  it('reads the members in any order, never a duplicate', () => {
    expect(setModel.step([1, 2], { op: 'read' }, { values: [2, 1] })).toEqual([1, 2]);
    expect(setModel.step([1, 2], { op: 'read' }, { values: [1, 1] })).toBeUndefined();
    expect(setModel.step([1], { op: 'read' }, { values: [1, 1] })).toBeUndefined();
    expect(setModel.step([2], { op: 'add', value: 1 }, {})).toEqual([1, 2]);
  });
});

describe('model registry', () => {
  it('names what a model needs when an input or output has the wrong shape', () => {
    expect(MODELS.kv!.inputProblem({ op: 1, key: 'a', value: 'b' })).toBeUndefined();
    expect(MODELS.kv!.inputProblem({ op: 4, key: 'a', value: 'b' })).toMatch(/"op": 0\|1\|2\|3/);
    expect(MODELS.etcd!.outputProblem({ f: 'read' }, { ok: true, value: 'x' })).toMatch(/"value": N or null/);
    expect(MODELS.set!.outputProblem({ op: 'read' }, { values: [1, 2] })).toBeUndefined();
    expect(MODELS.register!.inputProblem({ op: 'put' })).toMatch(/"put", "value": N/);
  });
});
