/**
 * Checks a whole history: splits it into the model's partitions and searches
 * them interleaved — round-robin, a fixed number of steps per turn, in the
 * order of each partition's first call — so that an expensive linearizable
 * partition cannot hide a cheap illegal one. Stops at the first illegal
 * partition; the others stay undecided ('unknown').
 */
import { determinize } from './determinize.ts';
import { ILLEGAL, OK, PartitionSearch, sortUnlessSorted } from './search.ts';
import { SequentialSearch } from './sequential.ts';
import type { AnyModel, CheckOptions, CheckResult, HistoryEvent, Model, Operation, PartitionResult, Verdict } from './types.ts';

const TURN_STEPS_DEFAULT = 4096;

interface Settings {
  budgetSteps: number;
  budgetMs: number;
  turnSteps: number;
}

function settingsOf(options: CheckOptions): Settings {
  const settings = {
    budgetSteps: options.budgetSteps ?? Infinity,
    budgetMs: options.budgetMs ?? Infinity,
    turnSteps: options.turnSteps ?? TURN_STEPS_DEFAULT,
  };
  if (!(settings.budgetSteps >= 0)) throw new RangeError(`budgetSteps must be a number >= 0, got ${options.budgetSteps}`);
  if (!(settings.budgetMs >= 0)) throw new RangeError(`budgetMs must be a number >= 0, got ${options.budgetMs}`);
  if (!(settings.turnSteps >= 1)) throw new RangeError(`turnSteps must be a number >= 1, got ${options.turnSteps}`);
  return settings;
}

function validate<I, O>(operations: readonly Operation<I, O>[]): void {
  operations.forEach((op, i) => {
    if (!(typeof op.call === 'number' && typeof op.return === 'number' && op.call <= op.return) || Number.isNaN(op.call)) {
      throw new RangeError(`operation ${i} must have numbers call <= return, got call ${op.call} and return ${op.return}`);
    }
  });
}

/** Indices of the operations, stably sorted by call time. */
function callOrder<I, O>(operations: readonly Operation<I, O>[]): number[] {
  return sortUnlessSorted(
    operations.map((_, i) => i),
    (a, b) => operations[a]!.call - operations[b]!.call || a - b,
  );
}

/** Groups operation indices by partition key, partitions in order of their first call. */
function partitionsOf<I, O>(model: Model<unknown, I, O>, operations: readonly Operation<I, O>[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  let lastKey: string | undefined;
  let lastGroup: number[] = [];
  for (const i of callOrder(operations)) {
    const key = model.partition ? model.partition(operations[i]!.input) : '';
    if (key !== lastKey) {
      let group = groups.get(key);
      if (group === undefined) {
        group = [];
        groups.set(key, group);
      }
      lastKey = key;
      lastGroup = group;
    }
    lastGroup.push(i);
  }
  return groups;
}

/**
 * The search for one partition (operations in call order): the fold of
 * SequentialSearch when real time allows one order only (and cuts are on),
 * else the general search, with the model's `searchWith` if it has one.
 */
function searchFor<I, O>(
  model: Model<unknown, I, O>,
  ops: readonly Operation<I, O>[],
  cuts: boolean,
): PartitionSearch<unknown, I, O> | SequentialSearch<unknown, I, O> {
  if (cuts && SequentialSearch.applies(ops)) return new SequentialSearch(model, ops);
  return new PartitionSearch(model.searchWith ?? model, ops, { cuts });
}

export function checkOperations<S, I, O>(
  model: AnyModel<S, I, O>,
  operations: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const started = performance.now();
  const settings = settingsOf(options);
  validate(operations);
  const deterministic = (model.nondeterministic ? determinize(model) : model) as Model<unknown, I, O>;
  const deadline = started + settings.budgetMs;
  const parts = [...partitionsOf(deterministic, operations)].map(([key, indices]) => ({
    key,
    indices,
    search: searchFor(
      deterministic,
      indices.map((i) => operations[i]!),
      options.cuts ?? true,
    ),
  }));

  let active = parts.filter((p) => p.search.status !== OK);
  let steps = 0;
  let stopped: CheckResult['stopped'];
  rounds: while (active.length > 0) {
    for (const part of active) {
      if (steps >= settings.budgetSteps) {
        stopped = 'budget-steps';
        break rounds;
      }
      if (performance.now() > deadline) {
        stopped = 'budget-ms';
        break rounds;
      }
      const before = part.search.steps;
      const status = part.search.run(Math.min(settings.turnSteps, settings.budgetSteps - steps), deadline);
      steps += part.search.steps - before;
      if (status === ILLEGAL) {
        stopped = 'illegal';
        break rounds;
      }
    }
    active = active.filter((p) => p.search.status !== OK);
  }

  const partitions: PartitionResult[] = parts.map(({ key, indices, search }) => {
    const failing = search.status === ILLEGAL ? search.firstUnplaced() : undefined;
    return {
      key,
      verdict: search.status === OK ? 'ok' : search.status === ILLEGAL ? 'illegal' : 'unknown',
      operations: indices,
      linearization: search.linearization().map((local) => indices[local]!),
      failing: failing === undefined ? undefined : indices[failing],
      steps: search.steps,
    };
  });
  const verdict: Verdict =
    stopped === 'illegal' ? 'illegal' : partitions.every((p) => p.verdict === 'ok') ? 'ok' : 'unknown';
  return { verdict, partitions, steps, elapsedMs: performance.now() - started, stopped };
}

/**
 * The operations of an event history: times are positions in the list, and a
 * call that never returns becomes an operation with an unknown outcome.
 */
export function operationsFromEvents<I, O>(events: readonly HistoryEvent<I, O>[]): Operation<I, O>[] {
  const open = new Map<number, { clientId: number; input: I; call: number; slot: number }>();
  const operations: Operation<I, O>[] = [];
  events.forEach((event, time) => {
    if (event.kind === 'call') {
      if (open.has(event.id)) throw new RangeError(`event ${time} calls id ${event.id}, which is already open`);
      open.set(event.id, { clientId: event.clientId, input: event.input, call: time, slot: operations.length });
      operations.push({ clientId: event.clientId, input: event.input, call: time, output: undefined, return: Infinity });
      return;
    }
    const call = open.get(event.id);
    if (call === undefined) throw new RangeError(`event ${time} returns id ${event.id}, which has no open call`);
    open.delete(event.id);
    operations[call.slot] = { clientId: call.clientId, input: call.input, call: call.call, output: event.output, return: time };
  });
  return operations;
}

export function checkEvents<S, I, O>(
  model: AnyModel<S, I, O>,
  events: readonly HistoryEvent<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  return checkOperations(model, operationsFromEvents(events), options);
}
