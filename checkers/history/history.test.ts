import { describe, expect, it } from 'vitest';
import { detectFormat, formatHistory, HistoryFormatError, parseEtcdLog, parseHistory, parseKvLog, parseSimlabHistory } from './index.ts';
import type { Operation } from '../linearizability/types.ts';

const P = 'INFO  jepsen.util - ';

describe('etcd Jepsen logs', () => {
  it('pairs returns with invocations, with tabs or runs of spaces between fields', () => {
    const text = [`${P}0\t:invoke\t:write\t3`, `${P}1   :invoke   :read   nil`, `${P}0\t:ok\t:write\t3`, `${P}1 :ok  :read    3`, ''].join('\n');
    expect(parseEtcdLog(text, 'a.log')).toEqual([
      { clientId: 0, input: { f: 'write', value: 3 }, call: 1, output: { ok: true }, return: 3 },
      { clientId: 1, input: { f: 'read' }, call: 2, output: { ok: true, value: 3 }, return: 4 },
    ]);
  });

  it('leaves an :info operation open (unknown outcome, no return) and reads :fail :read :timed-out as an unknown outcome', () => {
    const text = [
      `${P}2\t:invoke\t:cas\t[1 4]`,
      `${P}3\t:invoke\t:read\tnil`,
      `${P}2\t:info\t:cas\t:timed-out`,
      `${P}3\t:fail\t:read\t:timed-out`,
      `${P}7\t:invoke\t:cas\t[0 1]`,
      `${P}7\t:fail\t:cas\t[0 1]`,
      `${P}8\t:invoke\t:read\tnil`,
      `${P}8\t:ok\t:read\tnil`,
    ].join('\n');
    expect(parseEtcdLog(text, 'b.log')).toEqual([
      { clientId: 2, input: { f: 'cas', from: 1, to: 4 }, call: 1, output: undefined, return: Infinity },
      { clientId: 3, input: { f: 'read' }, call: 2, output: undefined, return: 4 },
      { clientId: 7, input: { f: 'cas', from: 0, to: 1 }, call: 5, output: { ok: false }, return: 6 },
      { clientId: 8, input: { f: 'read' }, call: 7, output: { ok: true, value: null }, return: 8 },
    ]);
  });

  it('reads an empty file as an empty history', () => {
    expect(parseEtcdLog('', 'empty.log')).toEqual([]);
  });

  it('names the file, the line and what was expected', () => {
    const bad = `${P}0\t:invoke\t:read\tnil\n${P}0\t:ok\t:reed\t3\n`;
    expect(() => parseEtcdLog(bad, 'x.log')).toThrow(HistoryFormatError);
    expect(() => parseEtcdLog(bad, 'x.log')).toThrow(/^x\.log:2: expected "INFO  jepsen\.util - <process>/);
    expect(() => parseEtcdLog(`${P}0\t:ok\t:read\t3`, 'y.log')).toThrow(/^y\.log:1: expected an open invocation of process 0/);
    expect(() => parseEtcdLog(`${P}0\t:invoke\t:read\tnil\n${P}0\t:invoke\t:read\tnil`, 'z.log')).toThrow(/z\.log:2: process 0 invokes again/);
    expect(() => parseEtcdLog(`${P}0\t:invoke\t:write\tnil`, 'w.log')).toThrow(/w\.log:1: expected a write is invoked with a number/);
  });
});

describe('kv EDN logs', () => {
  it('reads get, put and append, with the value read on an :ok get', () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "1", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "1", :value nil}',
      '{:process 0, :type :ok, :f :append, :key "1", :value "x 0 0 y"}',
      '{:process 1,  :type :ok, :f :get, :key "1", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :put, :key "2", :value "z"}',
      '{:process 1, :type :ok, :f :put, :key "2", :value "z"}',
    ].join('\n');
    expect(parseKvLog(text, 'c.txt')).toEqual([
      { clientId: 0, input: { op: 2, key: '1', value: 'x 0 0 y' }, call: 1, output: { value: '' }, return: 3 },
      { clientId: 1, input: { op: 0, key: '1', value: '' }, call: 2, output: { value: 'x 0 0 y' }, return: 4 },
      { clientId: 1, input: { op: 1, key: '2', value: 'z' }, call: 5, output: { value: '' }, return: 6 },
    ]);
  });

  it('leaves :info calls open and drops :fail ones', () => {
    const text = [
      '{:process 0, :type :invoke, :f :put, :key "1", :value "a"}',
      '{:process 0, :type :info, :f :put, :key "1", :value "a"}',
      '{:process 1, :type :invoke, :f :put, :key "1", :value "b"}',
      '{:process 1, :type :fail, :f :put, :key "1", :value "b"}',
    ].join('\n');
    expect(parseKvLog(text, 'd.txt')).toEqual([{ clientId: 0, input: { op: 1, key: '1', value: 'a' }, call: 1, output: undefined, return: Infinity }]);
  });

  it('names the line of a malformed map', () => {
    expect(() => parseKvLog('{:process 0, :type :invoke, :f :get, :key 1, :value nil}', 'e.txt')).toThrow(/^e\.txt:1: expected \{:process P/);
  });
});

describe('simlab JSON-lines histories', () => {
  const ops: Operation<unknown, unknown>[] = [
    { clientId: 0, call: 1000, return: 2500, input: { op: 1, key: 'a', value: 'x' }, output: { value: '' } },
    { clientId: 1, call: 1200, return: Infinity, input: { op: 0, key: 'a', value: '' }, output: undefined },
    { clientId: 2, call: 1300, return: 1400, input: { op: 0, key: 'a', value: '' }, output: undefined },
  ];

  it('round-trips operations, including ones that never returned, with a header naming the model', () => {
    const text = formatHistory(ops, { model: 'kv' });
    expect(text.split('\n')[0]).toBe('{"simlab-history":1,"model":"kv"}');
    expect(text.split('\n')[2]).toBe('{"client":1,"call":1200,"return":null,"input":{"op":0,"key":"a","value":""}}');
    expect(parseSimlabHistory(text, 'h.jsonl')).toEqual({ model: 'kv', operations: ops, lines: [2, 3, 4] });
    expect(parseSimlabHistory(formatHistory(ops), 'h.jsonl').model).toBeUndefined();
    expect(formatHistory([])).toBe('');
  });

  it('names the line and the field that is wrong', () => {
    expect(() => parseSimlabHistory('{"client":0,"call":5,"return":4,"input":1}', 'f.jsonl')).toThrow(/^f\.jsonl:1: expected "return" to be a number >= "call"/);
    expect(() => parseSimlabHistory('\n{"client":0,"call":5,', 'g.jsonl')).toThrow(/^g\.jsonl:2: expected one JSON object per line/);
    expect(() => parseSimlabHistory('{"client":-1,"call":5,"return":6,"input":1}', 'h.jsonl')).toThrow(/"client" to be an integer >= 0/);
    expect(() => parseSimlabHistory('{"simlab-history":2}', 'i.jsonl')).toThrow(/i\.jsonl:1: expected "simlab-history": 1/);
    expect(() => parseSimlabHistory('{"client":0,"call":1,"return":null,"input":1,"output":2}', 'j.jsonl')).toThrow(/no "output" on an operation that never returned/);
  });
});

describe('format detection', () => {
  it('looks at the first line, then at the extension of an empty file', () => {
    expect(detectFormat(`\n${P}0\t:invoke\t:read\tnil`, 'x')).toBe('etcd');
    expect(detectFormat('{:process 0}', 'x')).toBe('kv');
    expect(detectFormat('{"client":0}', 'x')).toBe('simlab');
    expect(detectFormat('', 'etcd_095.log')).toBe('etcd');
    expect(detectFormat('hello', 'x.log')).toBeUndefined();
    expect(parseHistory('', 'e.log', 'etcd').operations).toEqual([]);
  });
});
