/**
 * Durable storage: the 6.5840 Persister and a shared file system.
 *
 * A Persister holds two byte blobs replaced together (Go's Save). The tester
 * owns persisters and hands one to each server incarnation; crash semantics
 * (what survives) come from the tester copying the persister at the right
 * moment, exactly as the Go config does (see spec 2.2–2.3).
 *
 * Blobs are treated as immutable values: a node's outputs are immutable, so
 * saving keeps the array itself and readers must not mutate what they get.
 */
import { bytesLength, bytesOf, type Bytes, type FileView } from './node.ts';

const EMPTY = new Uint8Array(0);

export class Persister {
  /** The state as saved: one array or pieces (concatenated on first read). */
  private raftstate: Bytes = EMPTY;
  private raftstateSize = 0;
  private snapshot: Uint8Array = EMPTY;
  /** Number of saves, for tests and traces. */
  saves = 0;

  /** Replaces both blobs atomically. */
  save(raftstate: Bytes, snapshot: Uint8Array): void {
    this.raftstate = raftstate;
    this.raftstateSize = bytesLength(raftstate);
    this.snapshot = snapshot;
    this.saves++;
  }
  readRaftState(): Uint8Array {
    if (!(this.raftstate instanceof Uint8Array)) this.raftstate = bytesOf(this.raftstate);
    return this.raftstate;
  }
  readSnapshot(): Uint8Array {
    return this.snapshot;
  }
  raftStateSize(): number {
    return this.raftstateSize;
  }
  snapshotSize(): number {
    return this.snapshot.length;
  }
  /** A new persister holding the same contents (Go's Copy). */
  copy(): Persister {
    const p = new Persister();
    p.raftstate = this.raftstate;
    p.raftstateSize = this.raftstateSize;
    p.snapshot = this.snapshot;
    return p;
  }
}

/**
 * The shared file system of a world (MapReduce's working directory). It
 * survives crashes of the processes that use it. Names are plain strings;
 * listing is sorted so it never depends on insertion history.
 */
export class FileSystem implements FileView {
  private readonly files = new Map<string, string>();

  read(name: string): string | undefined {
    return this.files.get(name);
  }
  list(prefix: string): string[] {
    const names: string[] = [];
    for (const name of this.files.keys()) if (name.startsWith(prefix)) names.push(name);
    return names.sort();
  }
  has(name: string): boolean {
    return this.files.has(name);
  }
  write(name: string, data: string): void {
    this.files.set(name, data);
  }
  /** Atomic rename replacing the target; throws if `from` does not exist. */
  rename(from: string, to: string): void {
    const data = this.files.get(from);
    if (data === undefined) throw new Error(`rename: no file named ${from}`);
    this.files.delete(from);
    this.files.set(to, data);
  }
  remove(name: string): void {
    this.files.delete(name);
  }
  get size(): number {
    return this.files.size;
  }
}
