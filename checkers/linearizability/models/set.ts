/**
 * A set of numbers with add and read; a read returns every member (in any
 * order), or has an unknown outcome. A read that lists a member twice is
 * never legal. States are sorted arrays.
 */
import type { Model } from '../types.ts';

export type SetInput = { readonly op: 'add'; readonly value: number } | { readonly op: 'read' };
/** `values` is what a read returned; an add returns nothing. */
export interface SetOutput {
  readonly values?: readonly number[];
}

function sameMembers(state: readonly number[], values: readonly number[]): boolean {
  if (values.length !== state.length) return false;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.every((v, i) => v === state[i]);
}

export const setModel: Model<readonly number[], SetInput, SetOutput> = {
  name: 'set',
  unknownOutcomeLegal: true,
  readOnly: (input) => input.op === 'read',
  init: () => [],
  step(state, input, output) {
    if (input.op === 'add') {
      if (state.includes(input.value)) return state;
      return [...state, input.value].sort((a, b) => a - b);
    }
    return output === undefined || sameMembers(state, output.values ?? []) ? state : undefined;
  },
  equal: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
  hash: (state) => state.reduce((h, v) => Math.imul(h ^ v, 0x01000193), 0x811c9dc5),
  describeOperation: (input, output) =>
    input.op === 'add' ? `add(${input.value})` : `read() → ${output === undefined ? '?' : `{${(output.values ?? []).join(', ')}}`}`,
  describeState: (state) => `{${state.join(', ')}}`,
};
