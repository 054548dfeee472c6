/**
 * Text explanations of a check result: for an illegal partition, the longest
 * linearizable prefix found (with the state after each operation) and the
 * operation that cannot be placed after it.
 */
import { determinize } from './determinize.ts';
import type { AnyModel, CheckResult, Model, Operation, PartitionResult } from './types.ts';

export interface Describer {
  operation(index: number): string;
  state(state: unknown): string;
}

/** One-line descriptions of operations and states, from the model's describe* or JSON. */
export function describer<S, I, O>(model: AnyModel<S, I, O>, operations: readonly Operation<I, O>[]): Describer {
  const describeOperation = model.describeOperation?.bind(model) ?? ((input: I, output: O | undefined) => `${JSON.stringify(input)} → ${output === undefined ? '?' : JSON.stringify(output)}`);
  const describeState = (model.nondeterministic ? determinize(model) : model).describeState ?? ((s: unknown) => JSON.stringify(s));
  return {
    operation(index) {
      const op = operations[index]!;
      const end = op.return === Infinity ? 'never returned' : String(op.return);
      return `client ${op.clientId} [${op.call}, ${end}] ${describeOperation(op.input, op.output)}`;
    },
    state: (state) => describeState(state as never),
  };
}

/** The states after each operation of a partition's linearization, replayed through the model. */
export function statesAlong<S, I, O>(model: AnyModel<S, I, O>, operations: readonly Operation<I, O>[], order: readonly number[]): unknown[] {
  const m = (model.nondeterministic ? determinize(model) : model) as Model<unknown, I, O>;
  let state = m.init();
  const states = [state];
  for (const i of order) {
    const op = operations[i]!;
    state = m.step(state, op.input, op.output);
    states.push(state);
  }
  return states;
}

/** Operations of a prefix listed in full; a longer one shows its last ones (the history can be 100,000 long). */
const PREFIX_LISTED = 40;
/** Longest description printed whole. */
const DESCRIPTION_MAX = 300;

function abbreviate(text: string): string {
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}… (${text.length} characters)` : text;
}

function explainIllegal<S, I, O>(
  model: AnyModel<S, I, O>,
  operations: readonly Operation<I, O>[],
  part: PartitionResult,
  describe: Describer,
): string[] {
  const name = part.key === '' ? 'the history' : `partition ${JSON.stringify(part.key)}`;
  const states = statesAlong(model, operations, part.linearization);
  const state = (k: number) => abbreviate(describe.state(states[k]));
  const lines = [
    `not linearizable: ${name} (${part.operations.length} operations)`,
    `  longest linearizable prefix found: ${part.linearization.length} of ${part.operations.length} operations, from state ${state(0)}`,
  ];
  const first = Math.max(0, part.linearization.length - PREFIX_LISTED);
  if (first > 0) lines.push(`    … ${first} operations not listed, leaving state ${state(first)}`);
  for (let k = first; k < part.linearization.length; k++) {
    lines.push(`    ${String(k + 1).padStart(3)}. ${abbreviate(describe.operation(part.linearization[k]!))}  ⇒ ${state(k + 1)}`);
  }
  if (part.failing !== undefined) {
    lines.push(`  cannot be placed next: ${abbreviate(describe.operation(part.failing))}`);
    lines.push(`    (no linearization of the operations before it returns extends to include it)`);
  }
  return lines;
}

/** A readable account of `result`: why an illegal history is illegal, what an unknown one left undecided. */
export function explain<S, I, O>(model: AnyModel<S, I, O>, operations: readonly Operation<I, O>[], result: CheckResult): string {
  const describe = describer(model, operations);
  const lines: string[] = [];
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  for (const part of result.partitions) if (part.verdict === 'illegal') lines.push(...explainIllegal(model, operations, part, describe));
  const undecided = result.partitions.filter((p) => p.verdict === 'unknown');
  if (result.verdict === 'ok') lines.push(`linearizable: ${count(operations.length, 'operation')} in ${count(result.partitions.length, 'partition')}`);
  if (undecided.length > 0) {
    const why = result.stopped === 'illegal' ? 'search stopped at the illegal partition' : `budget ran out (${result.stopped})`;
    const keys = undecided.map((p) => JSON.stringify(p.key)).join(', ');
    lines.push(`undecided: ${count(undecided.length, 'partition')} (${why}): ${keys}`);
  }
  return lines.join('\n');
}
