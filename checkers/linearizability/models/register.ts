/** A single register of numbers: put writes, get reads. An unknown outcome lets a get read anything. */
import type { Model } from '../types.ts';

export type RegisterInput = { readonly op: 'put'; readonly value: number } | { readonly op: 'get' };
/** `value` is what a get read; a put returns nothing. */
export interface RegisterOutput {
  readonly value?: number;
}

export function registerModel(initial = 0): Model<number, RegisterInput, RegisterOutput> {
  return {
    name: 'register',
    unknownOutcomeLegal: true,
    readOnly: (input) => input.op === 'get',
    init: () => initial,
    step(value, input, output) {
      if (input.op === 'put') return input.value;
      return output === undefined || output.value === value ? value : undefined;
    },
    describeOperation: (input, output) =>
      input.op === 'put' ? `put(${input.value})` : `get() → ${output === undefined ? '?' : output.value}`,
    describeState: (value) => String(value),
  };
}
