/**
 * A property over plain JSON inputs, for people writing their own: give the
 * arbitrary and the run; the input carries its world seed (`seed`), is
 * saved in artifacts as it is, and is described by its JSON.
 *
 *     defineJsonProperty({
 *       name: 'prop/mine/…', description: '…',
 *       arbitrary: fc.record({ seed: fc.nat(), … }),
 *       *run(t, input) { … },
 *     });
 */
import type fc from 'fast-check';
import { defineProperty, type Property } from './property.ts';
import type { ScenarioContext } from './scenario.ts';
import type { Co } from './task.ts';

export interface JsonPropertySpec<T extends { readonly seed: number }> {
  readonly name: string;
  readonly description: string;
  readonly arbitrary: fc.Arbitrary<T>;
  run(t: ScenarioContext, input: T): Co<void>;
  /** The input's size as people count it (default 1). */
  sizeOf?(input: T): number;
  readonly timeLimitUs?: number;
}

export function defineJsonProperty<T extends { readonly seed: number }>(spec: JsonPropertySpec<T>): Property<T> {
  return defineProperty<T>({
    name: spec.name,
    description: spec.description,
    arbitrary: spec.arbitrary,
    fromJson(json) {
      if (typeof json !== 'object' || json === null || !Number.isSafeInteger((json as { seed?: unknown }).seed)) {
        throw new Error('the input must be a JSON object with an integer "seed"');
      }
      return json as T;
    },
    toJson: (input) => input,
    seedOf: (input) => input.seed,
    sizeOf: (input) => spec.sizeOf?.(input) ?? 1,
    describe: (input) => [`input: ${JSON.stringify(input)}`],
    run: (t, input) => spec.run(t, input),
    ...(spec.timeLimitUs !== undefined ? { timeLimitUs: spec.timeLimitUs } : {}),
  });
}
