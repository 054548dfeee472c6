/**
 * simlab as a library: `import { defineScenario, makeConfig, … } from 'simlab'`.
 * Everything a user's scenario, property, node or vitest file needs: the
 * scenario and property registries and runners, the node contract, the
 * generator tasks, the lab testers, the Raft property, the checkers, and the
 * correct nodes to wrap or compare against. The CLI loads user files with
 * this module standing for 'simlab', so their definitions land in its
 * registries (sim/cli/impl.ts).
 */
export {
  allScenarios,
  defineRole,
  defineScenario,
  findScenario,
  matchScenarios,
  replayCommand,
  runScenario,
  ScenarioFailure,
  type FailureKind,
  type RunOptions,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from '../sim/scenario.ts';
export {
  allProperties,
  checkProperty,
  defineProperty,
  failureInvariant,
  failureSignature,
  findProperty,
  inputAt,
  propertyScenario,
  runInput,
  type CheckReport,
  type InputRun,
  type Property,
} from '../sim/property.ts';
export { replayReporter } from '../sim/replay-reporter.ts';
export { defineJsonProperty, type JsonPropertySpec } from '../sim/json-property.ts';
export { bytesLength, bytesOf, ms, Out, seconds, US_PER_MS, type Bytes, type Input, type NodeDef, type Output, type Payload, type Persisted, type Step, type StepContext } from '../sim/node.ts';
export { Channel, joinAll, Signal, sleep, type Co } from '../sim/task.ts';
export { World } from '../sim/world.ts';
export { makeConfig, RaftTester, ELECTION_TIMEOUT_US, MAX_LOG_SIZE, randInt, randString, type RaftNodeDef } from '../scenarios/raft/config.ts';
export { SNAPSHOT_INTERVAL } from '../scenarios/raft/applied.ts';
export { KvsrvTester, KVSRV_CLERK_ROLE, KVSRV_SERVER_ROLE } from '../scenarios/kvsrv/tester.ts';
export { MrTester, MR_COORDINATOR_ROLE, MR_WORKER_ROLE } from '../scenarios/mr/tester.ts';
export { raftSafety, raftSafety5 } from '../scenarios/properties/raft.ts';
export { faultSchedule, runRaftSchedule, type FaultScheduleOptions } from '../scenarios/faults/index.ts';
export * as checkers from '../checkers/index.ts';
export { raft, defineRaft, raftParts } from '../protocols/raft/index.ts';
export { kvServer, kvClerk } from '../protocols/kvsrv/index.ts';
export { mrCoordinator, mrWorker } from '../protocols/mapreduce/index.ts';
