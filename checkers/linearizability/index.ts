/**
 * simlab's linearizability checker (Porcupine-class): check a history of
 * operations against a sequential model, get 'ok', 'illegal' or 'unknown'
 * (budget out — never a pass), and an explanation of an illegal one.
 *
 *     const result = checkOperations(kvModel, operations, { budgetSteps: 1_000_000 });
 *     if (result.verdict !== 'ok') throw new Error(explain(kvModel, operations, result));
 */
export type {
  AnyModel,
  CheckOptions,
  CheckResult,
  HistoryEvent,
  Model,
  NondeterministicModel,
  Operation,
  PartitionResult,
  Verdict,
} from './types.ts';
export { checkEvents, checkOperations, operationsFromEvents } from './check.ts';
export { explain } from './explain.ts';
export { etcdModel, type EtcdInput, type EtcdOutput, type EtcdState } from './models/etcd.ts';
export { kvModel, kvModelUnpartitioned, type KvInput, type KvOutput, type KvStore } from './models/kv.ts';
export { registerModel, type RegisterInput, type RegisterOutput } from './models/register.ts';
export { setModel, type SetInput, type SetOutput } from './models/set.ts';
export { MODELS, type ModelEntry } from './models/index.ts';
