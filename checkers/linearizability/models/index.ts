/**
 * The models by name, as the CLI and history headers refer to them, each with
 * a check of the input and output shapes a history file must give it.
 */
import type { AnyModel } from '../types.ts';
import { etcdModel } from './etcd.ts';
import { kvModel, kvModelUnpartitioned } from './kv.ts';
import { registerModel } from './register.ts';
import { setModel } from './set.ts';

export interface ModelEntry {
  readonly model: AnyModel<any, any, any>;
  readonly summary: string;
  /** What is wrong with an input, or undefined when it fits. */
  inputProblem(input: unknown): string | undefined;
  /** What is wrong with a (known) output of `input`, or undefined when it fits. */
  outputProblem(input: unknown, output: unknown): string | undefined;
}

type Shape = Record<string, unknown>;
const isRecord = (x: unknown): x is Shape => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => Number.isSafeInteger(x);

const kvEntry = (model: AnyModel<any, any, any>, summary: string): ModelEntry => ({
  model,
  summary,
  inputProblem: (i) =>
    isRecord(i) && [0, 1, 2, 3].includes(i.op as number) && typeof i.key === 'string' && typeof i.value === 'string'
      ? undefined
      : 'an input {"op": 0|1|2|3, "key": string, "value": string}',
  outputProblem: (_, o) => (isRecord(o) && typeof o.value === 'string' ? undefined : 'an output {"value": string}'),
});

export const MODELS: Readonly<Record<string, ModelEntry>> = {
  kv: kvEntry(kvModel, 'lab KV (Get/Put/Append), partitioned by key'),
  'kv-unpartitioned': kvEntry(kvModelUnpartitioned, 'lab KV as one state (slow; a cross-check)'),
  register: {
    model: registerModel(0),
    summary: 'a register of numbers starting at 0 (put/get)',
    inputProblem: (i) =>
      isRecord(i) && ((i.op === 'put' && isInt(i.value)) || i.op === 'get') ? undefined : 'an input {"op": "put", "value": N} or {"op": "get"}',
    outputProblem: (i, o) =>
      isRecord(o) && (!isRecord(i) || i.op !== 'get' || isInt(o.value)) ? undefined : 'an output {"value": N} for a get, {} for a put',
  },
  etcd: {
    model: etcdModel,
    summary: "Porcupine's etcd register (read/write/cas, starts absent)",
    inputProblem: (i) =>
      isRecord(i) && (i.f === 'read' || (i.f === 'write' && isInt(i.value)) || (i.f === 'cas' && isInt(i.from) && isInt(i.to)))
        ? undefined
        : 'an input {"f": "read"}, {"f": "write", "value": N} or {"f": "cas", "from": N, "to": N}',
    outputProblem: (i, o) =>
      isRecord(o) && typeof o.ok === 'boolean' && (!isRecord(i) || i.f !== 'read' || o.value === null || isInt(o.value))
        ? undefined
        : 'an output {"ok": boolean} with "value": N or null on a read',
  },
  set: {
    model: setModel,
    summary: 'a set of numbers (add/read)',
    inputProblem: (i) =>
      isRecord(i) && ((i.op === 'add' && isInt(i.value)) || i.op === 'read') ? undefined : 'an input {"op": "add", "value": N} or {"op": "read"}',
    outputProblem: (i, o) =>
      isRecord(o) && (!isRecord(i) || i.op !== 'read' || (Array.isArray(o.values) && o.values.every(isInt)))
        ? undefined
        : 'an output {"values": [N, ...]} for a read, {} for an add',
  },
};
