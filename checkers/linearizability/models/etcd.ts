/**
 * The register of Porcupine's etcd Jepsen tests: read, write, compare-and-set,
 * starting absent (null). An unknown outcome (undefined output) makes a read
 * legal anywhere; a write still writes, and a cas still swaps exactly when it
 * is placed where the register holds `from` — so an open-ended write or cas
 * may or may not have happened.
 */
import type { Model } from '../types.ts';

export type EtcdInput =
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: number }
  | { readonly f: 'cas'; readonly from: number; readonly to: number };

export interface EtcdOutput {
  /** A cas: whether it swapped. Reads and writes: true. */
  readonly ok: boolean;
  /** A read: the value seen, null for absent. */
  readonly value?: number | null;
}

/** null: the register has never been written. */
export type EtcdState = number | null;

export const etcdModel: Model<EtcdState, EtcdInput, EtcdOutput> = {
  name: 'etcd',
  unknownOutcomeLegal: true,
  readOnly: (input, output) => input.f === 'read' || (input.f === 'cas' && output !== undefined && !output.ok),
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case 'read':
        return output === undefined || output.value === state ? state : undefined;
      case 'write':
        return input.value;
      case 'cas':
        if (output === undefined) return state === input.from ? input.to : state;
        if (output.ok) return state === input.from ? input.to : undefined;
        return state !== input.from ? state : undefined;
    }
  },
  describeOperation(input, output) {
    const result = output === undefined ? ' → ?' : '';
    switch (input.f) {
      case 'read':
        return `read() → ${output === undefined ? '?' : output.value === null || output.value === undefined ? 'nil' : output.value}`;
      case 'write':
        return `write(${input.value})${result}`;
      case 'cas':
        return `cas(${input.from}, ${input.to})${output === undefined ? result : output.ok ? ' → ok' : ' → fail'}`;
    }
  },
  describeState: (state) => (state === null ? 'nil' : String(state)),
};
