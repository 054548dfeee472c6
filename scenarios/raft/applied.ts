/**
 * What each server of a Raft cluster has applied, as the Go tester records
 * it (config.go's logs[i] and lastApplied[i]), and the snapshots its 3D
 * applier makes: shared by the lab tester (config.ts) and the fault-schedule
 * cluster (scenarios/faults/raft.ts), which word their errors their own way.
 * The record of a server survives its crashes; a snapshot replaces it.
 */
import { decode, encode } from '../../sim/codec.ts';
import type { Payload } from '../../sim/node.ts';

/** 3D: the applier snapshots at every index i with (i + 1) % SNAPSHOT_INTERVAL == 0. */
export const SNAPSHOT_INTERVAL = 10;

/** The commands a tester snapshot holds, index-aligned (entry 0 is null), or undefined if the bytes are not one. */
export function snapshotCommands(bytes: Uint8Array): Payload[] | undefined {
  let v: unknown;
  try {
    v = decode(bytes);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || !Array.isArray(v[1])) return undefined;
  return v[1] as Payload[];
}

export class AppliedLogs {
  /** Server i's applied commands by index (undefined = not applied). */
  private readonly logs: Payload[][];
  private readonly last: number[];
  /** The highest index any server has applied. */
  maxIndex = 0;

  constructor(readonly n: number) {
    this.logs = Array.from({ length: n }, () => []);
    this.last = new Array<number>(n).fill(0);
  }

  /** What server i applied at `index`, or undefined. */
  at(i: number, index: number): Payload {
    return this.logs[i]![index];
  }

  /** The index server i applied last, as the 3D applier counts (0 after a restart until a snapshot or an apply). */
  lastApplied(i: number): number {
    return this.last[i]!;
  }

  /** The highest index server i's record holds (its applies, or the snapshot it installed); 0 for none. */
  highest(i: number): number {
    return Math.max(0, this.logs[i]!.length - 1);
  }

  setLastApplied(i: number, index: number): void {
    this.last[i] = index;
  }

  /** The highest-numbered server that applied something other than `command` at `index`, or −1. */
  conflict(index: number, command: Payload): number {
    let found = -1;
    for (let j = 0; j < this.n; j++) {
      const old = this.logs[j]![index];
      if (old !== undefined && old !== command) found = j;
    }
    return found;
  }

  /** Records server i's apply of `command` at `index`. */
  record(i: number, index: number, command: Payload): void {
    this.logs[i]![index] = command;
    if (index > this.maxIndex) this.maxIndex = index;
  }

  /** Replaces server i's record by a snapshot's commands (index-aligned, entry 0 null) through `lastIncluded`. */
  install(i: number, commands: readonly Payload[], lastIncluded: number): void {
    const log: Payload[] = [];
    for (let j = 0; j < commands.length; j++) log[j] = commands[j];
    this.logs[i] = log;
    this.last[i] = lastIncluded;
  }

  /** The snapshot the 3D applier hands server i's Snapshot(index): (index, the commands at 0..index), or null off the interval. */
  snapshotAt(i: number, index: number): Uint8Array | null {
    if ((index + 1) % SNAPSHOT_INTERVAL !== 0) return null;
    const log = this.logs[i]!;
    const xlog = new Array<Payload>(index + 1);
    for (let j = 0; j <= index; j++) xlog[j] = log[j] ?? null;
    return encode([index, xlog]);
  }
}
