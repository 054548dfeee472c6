import { describe, expect, it } from 'vitest';
import { CommandKeys, commandKey, describeCommand, describeKey } from './command-key.ts';

describe('commandKey', () => {
  it('gives equal keys to equal values, whatever their identity', () => {
    const pairs: [unknown, unknown][] = [
      [7, 7],
      ['x', 'x'],
      [{ op: 'put', key: 'k', value: [1, 2] }, { op: 'put', key: 'k', value: [1, 2] }],
      [[1, 'a', null], [1, 'a', null]],
      [new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])],
      [NaN, NaN],
      [null, undefined], // the codec encodes both as null
      [{ a: 1, b: undefined }, { a: 1 }], // undefined fields are not encoded
      ['\u0001x', '\u0001x'],
      [{ a: NaN, b: [new Uint8Array([7])] }, { a: NaN, b: [new Uint8Array([7])] }], // not JSON-exact: by encoding
      [[undefined, 1], [null, 1]],
      [{ a: -0 }, { a: 0 }],
    ];
    const unequal = pairs.filter(([a, b]) => commandKey(a) !== commandKey(b));
    expect(unequal).toEqual([]);
  });

  it('is what a CommandKeys gives, before and after it cached an object', () => {
    const keys = new CommandKeys();
    const values: unknown[] = [{ op: 'put', key: 'k' }, [1, NaN], new Uint8Array([4]), 'x', 3, null];
    expect(values.map((v) => keys.of(v))).toEqual(values.map(commandKey));
    expect(values.map((v) => keys.of(v))).toEqual(values.map(commandKey));
  });

  it('tells different values apart, across types and escapes', () => {
    const values: unknown[] = [
      1, '1', true, 'true', null, 'null', 0, '', [], {}, [1], { 0: 1 }, [1, 2], [2, 1],
      { a: 1, b: 2 }, { a: 1, b: 3 }, new Uint8Array([1]), '\u0001', '\u0001\u0007', [0], NaN, 1.5,
      new Uint8Array(0), new Uint8Array([9]), { 0: 9 }, [null], [NaN], [Infinity], { a: null }, { a: NaN }, new Map(), '\u0001{}', '{}',
    ];
    const keys = values.map(commandKey);
    expect(new Set(keys).size).toBe(values.length);
  });

  it('describes a command from its key on one short line', () => {
    expect(describeKey(commandKey(5))).toBe('5');
    expect(describeKey(commandKey('abc'))).toBe('"abc"');
    expect(describeKey(commandKey({ k: 'v' }))).toBe('{"k":"v"}');
    expect(describeKey(commandKey([1, NaN]))).toBe('[1,null]'); // by encoding, shown as JSON
    expect(describeKey(commandKey({ long: 'y'.repeat(100) }))).toHaveLength(40);
    expect(describeKey(commandKey('\u0001z'))).toBe(JSON.stringify('\u0001z'));
    expect(describeKey(undefined)).toBe('?');
    expect(describeCommand('x'.repeat(100)).length).toBe(40);
    expect(describeCommand(new Uint8Array(9))).toBe('<9 bytes>');
  });
});
