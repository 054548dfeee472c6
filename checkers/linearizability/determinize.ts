/**
 * Turns a nondeterministic model into a deterministic one whose state is the
 * set of states the original could be in (the subset construction): a step
 * is legal when some state allows it, and leads to the set of all successors.
 */
import type { Model, NondeterministicModel } from './types.ts';

export function determinize<S, I, O>(model: NondeterministicModel<S, I, O>): Model<readonly S[], I, O> {
  const same = model.equal ?? Object.is;
  const addNew = (into: S[], state: S): void => {
    for (const other of into) if (same(other, state)) return;
    into.push(state);
  };
  const elementHash = model.hash;
  const describeState = model.describeState ?? ((s: S) => JSON.stringify(s));
  const deterministic: Model<readonly S[], I, O> = {
    name: model.name,
    unknownOutcomeLegal: model.unknownOutcomeLegal,
    init() {
      const states: S[] = [];
      for (const s of model.init()) addNew(states, s);
      return states;
    },
    step(states, input, output) {
      const after: S[] = [];
      for (const s of states) for (const t of model.step(s, input, output)) addNew(after, t);
      return after.length === 0 ? undefined : after;
    },
    equal: (a, b) => a.length === b.length && a.every((x) => b.some((y) => same(x, y))),
    // Order-independent, so equal sets hash alike whatever order their members came in.
    hash: (states) => {
      if (elementHash === undefined) return states.length;
      let h = 0;
      for (const s of states) h = (h + finalize(elementHash(s))) | 0;
      return h;
    },
    describeState: (states) => `one of {${states.map(describeState).join(', ')}}`,
  };
  if (model.partition) deterministic.partition = model.partition.bind(model);
  if (model.describeOperation) deterministic.describeOperation = model.describeOperation.bind(model);
  return deterministic;
}

function finalize(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
