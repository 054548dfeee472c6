/**
 * The MapReduce tester: test-mr.sh's process pattern in virtual time (spec
 * 2.10, §3). One coordinator node registered as the labrpc server
 * "coordinator", played as mrcoordinator's main (Done() polled at once and
 * then every second, the process exits one second after it says true);
 * worker nodes with one end to it and the shared file system, each with its
 * own pid. Every process has the script's `timeout` (45 s, or 120 s in the
 * crash test), checked as an assertion: a process still running when its
 * limit is reached fails the scenario.
 *
 * Node definitions come from the roles below, so `--impl` (and the bug
 * tests) can swap them:
 *   mr-coordinator  the coordinator (default protocols/mapreduce mrCoordinator)
 *   mr-worker       the worker      (default protocols/mapreduce mrWorker)
 */
import type { Host } from '../../sim/host.ts';
import { seconds, type NodeDef } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { Signal, sleep, type Co } from '../../sim/task.ts';
import type { World } from '../../sim/world.ts';
import { mrCoordinator } from '../../protocols/mapreduce/coordinator.ts';
import { sortedOutputs, type InputFile } from '../../protocols/mapreduce/sequential.ts';
import { DoneCall, type CoordinatorConfig, type WorkerConfig } from '../../protocols/mapreduce/types.ts';
import { mrWorker } from '../../protocols/mapreduce/worker.ts';

export const MR_COORDINATOR_ROLE = 'mr-coordinator';
export const MR_WORKER_ROLE = 'mr-worker';

/** The labrpc server name of the coordinator (the Unix socket of the Go lab). */
export const COORDINATOR_SERVER = 'coordinator';
/** mrcoordinator's MakeCoordinator(files, 10). */
export const NREDUCE = 10;
/** test-mr.sh's `timeout 45s` for the first six sub-tests, `timeout 120s` in the crash test. */
export const PROCESS_LIMIT_US = seconds(45);
export const CRASH_PROCESS_LIMIT_US = seconds(120);
/** mrcoordinator's Done() poll period, its delay before exiting, and the script's `sleep 1`s. */
export const SECOND_US = seconds(1);

/** One process the script started: the coordinator or a worker. */
export class MrProcess {
  exitedUs: number | undefined = undefined;
  exitCode: number | undefined = undefined;
  private readonly exited = new Signal();

  constructor(
    /** "mrcoordinator" or "mrworker-<pid>": the node's name in traces. */
    readonly name: string,
    readonly pid: number,
    readonly startedUs: number,
  ) {}

  get running(): boolean {
    return this.exitedUs === undefined;
  }

  /** @internal Called by the tester when the process ends. */
  markExited(nowUs: number, code: number): void {
    if (this.exitedUs !== undefined) return;
    this.exitedUs = nowUs;
    this.exitCode = code;
    this.exited.notify();
  }

  /** Waits until the process has exited (the shell's `wait $pid`); returns its exit code. */
  *wait(): Co<number> {
    while (this.exitedUs === undefined) yield* this.exited.wait();
    return this.exitCode!;
  }
}

export class MrTester {
  readonly world: World;
  readonly processes: MrProcess[] = [];
  private coordinatorHost: Host | undefined;
  private readonly coordinatorDef: NodeDef<unknown, CoordinatorConfig>;
  private readonly workerDef: NodeDef<unknown, WorkerConfig>;
  private readonly exitListeners: Array<(p: MrProcess) => void> = [];
  private nextPid: number;

  constructor(
    readonly t: ScenarioContext,
    /** Each process's `timeout`, in virtual µs. */
    readonly processLimitUs: number = PROCESS_LIMIT_US,
  ) {
    this.world = t.world;
    this.coordinatorDef = t.impl<NodeDef<unknown, CoordinatorConfig>>(MR_COORDINATOR_ROLE, mrCoordinator as NodeDef<unknown, CoordinatorConfig>);
    this.workerDef = t.impl<NodeDef<unknown, WorkerConfig>>(MR_WORKER_ROLE, mrWorker as NodeDef<unknown, WorkerConfig>);
    // Distinct pids from a seed-chosen base, as a shell hands out increasing ones.
    this.nextPid = 1000 + t.rng.below(30_000);
  }

  /** Puts the input files into the shared directory (the script's ../pg*.txt). */
  writeInputs(inputs: readonly InputFile[]): void {
    for (const f of inputs) this.world.fs.write(f.name, f.contents);
  }

  /** Calls `listener` synchronously, at the virtual instant each process exits. */
  onExit(listener: (p: MrProcess) => void): void {
    this.exitListeners.push(listener);
  }

  /** `timeout … mrcoordinator files… &`: the coordinator in the background. */
  startCoordinator(files: readonly string[]): MrProcess {
    if (this.coordinatorHost) throw new Error('the tester runs one coordinator');
    const proc = this.newProcess('mrcoordinator');
    const host = this.world.startNode({
      name: COORDINATOR_SERVER,
      def: this.coordinatorDef,
      config: { files: [...files], nReduce: NREDUCE },
    });
    this.coordinatorHost = host;
    this.world.network.addServer(COORDINATOR_SERVER, host);
    this.world.go('mrcoordinator-main', this.coordinatorMain(host, proc));
    return proc;
  }

  /** mrcoordinator.go: poll Done() every second; exit one second after it is true. */
  private *coordinatorMain(host: Host, proc: MrProcess): Co<void> {
    while (host.callSync(DoneCall) !== true) yield* sleep(SECOND_US);
    yield* sleep(SECOND_US);
    this.world.network.deleteServer(COORDINATOR_SERVER);
    host.kill('exit 0');
    this.exit(proc, 0);
  }

  /** Whether the coordinator still serves (the crash loops' `[ -e $SOCKNAME ]`). */
  coordinatorServing(): boolean {
    return this.world.network.server(COORDINATOR_SERVER) !== null;
  }

  /** `timeout … mrworker app.so &`: a worker in the background. */
  startWorker(app: string): MrProcess {
    const pid = this.nextPid++;
    const proc = this.newProcess(`mrworker-${pid}`, pid);
    const net = this.world.network;
    const end = net.makeEnd(`${proc.name}->${COORDINATOR_SERVER}`);
    net.connect(end, COORDINATOR_SERVER);
    net.enable(end, true);
    this.world.startNode({
      name: proc.name,
      def: this.workerDef,
      config: { app, pid },
      ends: [end],
      fs: this.world.fs,
      onExit: (code) => this.exit(proc, code),
    });
    return proc;
  }

  /** `timeout … mrworker app.so` in the foreground: start a worker and wait for it. */
  *runWorker(app: string): Co<MrProcess> {
    const proc = this.startWorker(app);
    yield* proc.wait();
    return proc;
  }

  /** The script's plain `wait`: every process started so far has exited. */
  *waitAll(): Co<void> {
    for (const p of this.processes) yield* p.wait();
  }

  /** `sort mr-out* | grep .`. */
  sortedOutputs(): string {
    return sortedOutputs(this.world.fs);
  }

  /** `cat mr-out*`: the output files concatenated in name order. */
  catOutputs(): string {
    const fs = this.world.fs;
    return fs
      .list('mr-out')
      .map((name) => fs.read(name) ?? '')
      .join('');
  }

  private newProcess(name: string, pid = this.nextPid++): MrProcess {
    const proc = new MrProcess(name, pid, this.world.nowUs);
    this.processes.push(proc);
    const limitUs = this.processLimitUs;
    this.world.at(proc.startedUs + limitUs, () => {
      if (proc.running) {
        this.t.fail(`${proc.name} still running ${limitUs / 1e6} s after it started (test-mr.sh's timeout kills it)`, 'liveness');
      }
    });
    return proc;
  }

  private exit(proc: MrProcess, code: number): void {
    if (!proc.running) return;
    proc.markExited(this.world.nowUs, code);
    this.t.log(`${proc.name} exited with code ${code}`);
    for (const listener of this.exitListeners) listener(proc);
  }
}

/** The first line where two sorted outputs differ, for failure messages. */
export function firstDifference(expected: string, got: string): string {
  const a = expected.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const show = (s: string | undefined) => (s === undefined ? '<end of output>' : JSON.stringify(s.length > 120 ? s.slice(0, 119) + '…' : s));
      return `line ${i + 1}: expected ${show(a[i])}, got ${show(b[i])} (${a.length - 1} lines expected, ${b.length - 1} got)`;
    }
  }
  return 'no difference';
}
