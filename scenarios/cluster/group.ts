/**
 * A group of labrpc servers for any node definition: the machinery the Go
 * lab testers share (raft/config.go, kvraft/config.go, shardkv/config.go;
 * spec §2.3–2.5), written once. Protocol testers (scenarios/raft/config.ts,
 * scenarios/faults/raft.ts, the kvraft tester) are thin users of it: they
 * bring the node, its config, the applier and the helpers of their Go test.
 *
 * What it holds, per server i (named `names[i]`, "0".."n-1" as the Go
 * testers name them):
 * - the live incarnation (null while down) and its outgoing ends, end j
 *   towards server j. Every start makes fresh ends with names of their own
 *   (`0->1#2`: server 0's end to 1, incarnation 2), connected, not enabled,
 *   so a dead incarnation's ends can never deliver again;
 * - the persister (Go's saved[i]), with Go's crash1/start1 semantics: a
 *   shutdown copies it before and after the kill, so exactly what was saved
 *   before the shutdown survives; a start hands the new incarnation a copy;
 * - the link state: `connected[i]` and one-way cuts. The link i → j carries
 *   i's calls to j and their replies; it is up when both are connected and
 *   i → j is not cut.
 *
 * Two ways to change links, each in a fixed order of `enable` calls (the
 * order is part of the trace):
 * - `connect(i)` / `disconnect(i)`: Go's raft tester, touching only i's
 *   links, i's own ends first, then the peers' ends to i;
 * - `setConnected`, `partition`, `cut`, `heal`, `connectAll`: change the
 *   state, then `syncLinks()` sets every live server's ends, row by row.
 *
 * Clerk ends (`clerkEnds`) belong to a client node: server partitions and
 * link changes never touch them (kvraft's makeClient/ConnectClient).
 */
import type { Host } from '../../sim/host.ts';
import type { ClientEnd, Network } from '../../sim/network.ts';
import type { NodeDef, Payload } from '../../sim/node.ts';
import { Persister } from '../../sim/storage.ts';
import type { World } from '../../sim/world.ts';

/** What a server says about its leadership (Raft's GetState). */
export interface Leadership {
  readonly term: number;
  readonly isLeader: boolean;
}

/** A server picked by number or by role: the leader, or the server down (crashed / disconnected) longest. */
export type ServerRef = number | 'leader' | 'longest-crashed' | 'longest-disconnected';

export interface ServerGroupOptions<S, C> {
  /** Server names by index; `serverNames(n)` gives the Go testers' "0".."n-1". */
  readonly names: readonly string[];
  readonly def: NodeDef<S, C>;
  /** Server i's config, asked at every start. */
  config(i: number): C;
  /** Receives server i's `apply` outputs (the tester's applier). */
  onApply?(i: number, msg: Payload, host: Host<S, C>): void;
  /** Sees the persister a new incarnation of server i will read, before it starts (a service restoring itself from the snapshot). */
  beforeStart?(i: number, persister: Persister): void;
  /** More ends for an incarnation of server i, after its ends to the group (shardkv's ends to the controller servers); they are the incarnation's too: shutdown disables them. */
  extraEnds?(i: number, incarnation: number): ClientEnd[];
  /** Server i's make_end: an end to any server by name (shardkv's servers reach other groups so). */
  makeEnd?(i: number): (server: string) => ClientEnd;
  /** Whether server i (running) claims leadership, and in which term; `leader()` and the role selectors need it. */
  leadership?(i: number, host: Host<S, C>): Leadership;
}

/** The Go testers' server names: "0".."n-1". */
export function serverNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

export class ServerGroup<S = unknown, C = unknown> {
  readonly n: number;
  readonly names: readonly string[];
  readonly net: Network;
  /** Go's connected[i]. Servers start disconnected. */
  readonly connected: boolean[];
  private readonly hosts: (Host<S, C> | null)[];
  /** Go's saved[i]: null until the first start. */
  private readonly persisters: (Persister | null)[];
  /** Each server's ends of its latest incarnation (kept while it is down, as Go keeps endnames[i]). */
  private readonly ends: (ClientEnd[] | null)[];
  private readonly incarnations: number[];
  /** cut[i][j]: calls from i to j are lost. */
  private readonly cut: boolean[][];
  /** When each server last went down, by a counter (0 = never): the "longest" selectors pick the smallest. */
  private readonly crashedAt: number[];
  private readonly disconnectedAt: number[];
  private downSerial = 0;

  constructor(
    private readonly world: World,
    private readonly options: ServerGroupOptions<S, C>,
  ) {
    const n = options.names.length;
    this.n = n;
    this.names = options.names;
    this.net = world.network;
    this.connected = new Array<boolean>(n).fill(false);
    this.hosts = new Array<Host<S, C> | null>(n).fill(null);
    this.persisters = new Array<Persister | null>(n).fill(null);
    this.ends = new Array<ClientEnd[] | null>(n).fill(null);
    this.incarnations = new Array<number>(n).fill(0);
    this.cut = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
    this.crashedAt = new Array<number>(n).fill(0);
    this.disconnectedAt = new Array<number>(n).fill(0);
  }

  /** 0, 1, …, n − 1. */
  all(): number[] {
    return Array.from({ length: this.n }, (_, i) => i);
  }

  // ── servers ───────────────────────────────────────────────────────────────

  /** Server i's live incarnation, or null while it is down. */
  host(i: number): Host<S, C> | null {
    return this.hosts[i]!;
  }

  alive(i: number): boolean {
    return this.hosts[i] !== null;
  }

  /** Server i's persister (Go's saved[i]), or null before its first start. */
  persister(i: number): Persister | null {
    return this.persisters[i]!;
  }

  /** Server i's ends of its latest incarnation (end j towards server j), or null before its first start. */
  endsOf(i: number): readonly ClientEnd[] | null {
    return this.ends[i]!;
  }

  /** How many times server i has been started. */
  incarnation(i: number): number {
    return this.incarnations[i]!;
  }

  /**
   * Starts an incarnation of server i (which must be down) from a copy of its
   * persister: fresh ends, connected and not enabled, so it is unreachable
   * until its links are enabled.
   */
  start(i: number): Host<S, C> {
    if (this.hosts[i] !== null) throw new Error(`server ${this.names[i]} is running; shut it down first`);
    const incarnation = ++this.incarnations[i]!;
    const ends = [...this.freshEnds(i, incarnation), ...(this.options.extraEnds?.(i, incarnation) ?? [])];
    this.ends[i] = ends;
    const persister = this.persisters[i]?.copy() ?? new Persister();
    this.persisters[i] = persister;
    const o = this.options;
    o.beforeStart?.(i, persister);
    const onApply = o.onApply;
    const host = this.world.startNode<S, C>({
      name: this.names[i]!,
      def: o.def,
      config: o.config(i),
      ends,
      persister,
      ...(o.makeEnd ? { makeEnd: o.makeEnd(i) } : {}),
      ...(onApply ? { onApply: (m: Payload, h: Host<S>) => onApply(i, m, h as Host<S, C>) } : {}),
    });
    this.hosts[i] = host;
    this.net.addServer(this.names[i]!, host);
    return host;
  }

  /** Server i's ends to every server for one incarnation, named after both and the incarnation. */
  private freshEnds(i: number, incarnation: number): ClientEnd[] {
    const ends: ClientEnd[] = [];
    for (let j = 0; j < this.n; j++) {
      const end = this.net.makeEnd(`${this.names[i]}->${this.names[j]}#${incarnation}`);
      this.net.connect(end, this.names[j]!);
      ends.push(end);
    }
    return ends;
  }

  /**
   * Go's crash1 after its disconnect (and kvraft's ShutdownServer): i's own
   * ends disabled, the server deleted (calls to it fail), the persister
   * copied, the incarnation killed, the persister copied again. Exactly what
   * was saved before this call survives. Peers' ends to i are left as they
   * are. Deletes the server name even when i is already down, as Go does.
   */
  shutdown(i: number): void {
    const ends = this.ends[i];
    if (ends) for (const end of ends) this.net.enable(end, false);
    this.net.deleteServer(this.names[i]!);
    const before = this.persisters[i];
    // A fresh persister, so the old incarnation's later saves go to the orphaned one.
    if (before) this.persisters[i] = before.copy();
    const host = this.hosts[i];
    if (host) {
      host.kill();
      this.hosts[i] = null;
      this.crashedAt[i] = ++this.downSerial;
    }
    const kept = this.persisters[i];
    if (kept) this.persisters[i] = kept.copy();
  }

  /** Kills every live server (their hosts stay readable through host()) and shuts the network (Go's cleanup). */
  stopAll(): void {
    for (let i = 0; i < this.n; i++) this.hosts[i]?.kill();
    this.net.cleanup();
  }

  // ── links ─────────────────────────────────────────────────────────────────

  /** Whether i's calls to j get through: both connected, i → j not cut. */
  linkUp(i: number, j: number): boolean {
    return this.connected[i]! && this.connected[j]! && !this.cut[i]![j]!;
  }

  /** Go's connect(i): marks i connected, then enables i's ends whose link is up, then the peers' ends to i whose link is up. */
  connect(i: number): void {
    this.connected[i] = true;
    const mine = this.ends[i];
    if (mine) for (let j = 0; j < this.n; j++) if (this.linkUp(i, j)) this.net.enable(mine[j]!, true);
    for (let j = 0; j < this.n; j++) {
      const theirs = this.ends[j];
      if (theirs && this.linkUp(j, i)) this.net.enable(theirs[i]!, true);
    }
  }

  /** Go's disconnect(i): marks i disconnected, then disables all i's ends, then every peer's end to i. */
  disconnect(i: number): void {
    if (this.connected[i]) this.disconnectedAt[i] = ++this.downSerial;
    this.connected[i] = false;
    const mine = this.ends[i];
    if (mine) for (let j = 0; j < this.n; j++) this.net.enable(mine[j]!, false);
    for (let j = 0; j < this.n; j++) {
      const theirs = this.ends[j];
      if (theirs) this.net.enable(theirs[i]!, false);
    }
  }

  /** Enables exactly the live servers' ends whose link is up, server by server (a down server's ends stay as they are). */
  syncLinks(): void {
    for (let i = 0; i < this.n; i++) {
      const ends = this.ends[i];
      if (!ends || this.hosts[i] === null) continue;
      for (let j = 0; j < this.n; j++) this.net.enable(ends[j]!, this.linkUp(i, j));
    }
  }

  /** Marks i connected or not, then syncs the links. */
  setConnected(i: number, on: boolean): void {
    if (!on && this.connected[i]) this.disconnectedAt[i] = ++this.downSerial;
    this.connected[i] = on;
    this.syncLinks();
  }

  /** Servers in different groups cannot reach each other; replaces all cuts. Servers in no group form one more group. */
  partition(groups: readonly (readonly number[])[]): void {
    const group = new Array<number>(this.n).fill(-1);
    groups.forEach((g, k) => g.forEach((i) => (group[i] = k)));
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) this.cut[i]![j] = group[i] !== group[j];
    this.syncLinks();
  }

  /** One-way: calls from each `from` server to each `to` server are lost (added to the cuts there are). */
  cutLinks(from: readonly number[], to: readonly number[]): void {
    for (const i of from) for (const j of to) if (i !== j) this.cut[i]![j] = true;
    this.syncLinks();
  }

  /** Removes every cut (connected flags stay). */
  heal(): void {
    for (const row of this.cut) row.fill(false);
    this.syncLinks();
  }

  /** Every server connected, no cuts. */
  connectAll(): void {
    this.connected.fill(true);
    for (const row of this.cut) row.fill(false);
    this.syncLinks();
  }

  /** The group's view of what is up: "0 up, 1 crashed, 2 disconnected; cut 3→4". */
  describeNetwork(): string {
    const states = this.names.map((name, i) => `${name} ${!this.alive(i) ? 'crashed' : this.connected[i] ? 'up' : 'disconnected'}`);
    const cuts: string[] = [];
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) if (this.cut[i]![j]) cuts.push(`${this.names[i]}→${this.names[j]}`);
    return `${states.join(', ')}${cuts.length > 0 ? `; cut ${cuts.join(' ')}` : ''}`;
  }

  // ── clerks ────────────────────────────────────────────────────────────────

  /**
   * A clerk's ends, end j towards server j, named `<clerk>-><server>`
   * (the name must be new), connected; enabled towards the servers in `to`.
   * The group's link changes never touch them.
   */
  clerkEnds(clerk: string, to: readonly number[] = this.all()): ClientEnd[] {
    const ends = this.names.map((name) => {
      const end = this.net.makeEnd(`${clerk}->${name}`);
      this.net.connect(end, name);
      return end;
    });
    this.connectClerk(ends, to);
    return ends;
  }

  /** Go's ConnectClient: enables a clerk's ends towards the servers in `to`. */
  connectClerk(ends: readonly ClientEnd[], to: readonly number[]): void {
    for (const j of to) this.net.enable(ends[j]!, true);
  }

  /** Go's DisconnectClient: disables a clerk's ends towards the servers in `from`. */
  disconnectClerk(ends: readonly ClientEnd[], from: readonly number[]): void {
    for (const j of from) this.net.enable(ends[j]!, false);
  }

  // ── selectors ─────────────────────────────────────────────────────────────

  /** Server i's claim (it must be running); needs the `leadership` option. */
  leadership(i: number): Leadership {
    const ask = this.options.leadership;
    if (!ask) throw new Error('this server group was made without a leadership option');
    const host = this.hosts[i];
    if (!host) throw new Error(`server ${this.names[i]} is not running`);
    return ask(i, host);
  }

  /** The live server that claims leadership in the highest term (lowest index on a tie), or null. */
  leader(): number | null {
    let best: number | null = null;
    let bestTerm = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.alive(i)) continue;
      const { term, isLeader } = this.leadership(i);
      if (isLeader && term > bestTerm) {
        best = i;
        bestTerm = term;
      }
    }
    return best;
  }

  /** Live servers that claim leadership (a stale leader cut off from the others still does), in index order. */
  claimants(): number[] {
    return this.all().filter((i) => this.alive(i) && this.leadership(i).isLeader);
  }

  /** The server a reference names, or null if none fits (no leader; nobody down). */
  select(ref: ServerRef): number | null {
    if (typeof ref === 'number') return ref;
    if (ref === 'leader') return this.leader();
    const since = ref === 'longest-crashed' ? (i: number) => (this.alive(i) ? 0 : this.crashedAt[i]!) : (i: number) => (this.connected[i] ? 0 : this.disconnectedAt[i]!);
    let best: number | null = null;
    for (let i = 0; i < this.n; i++) {
      if (since(i) > 0 && (best === null || since(i) < since(best))) best = i;
    }
    return best;
  }

  /**
   * "The leader and one follower | the rest": groups for partition(), the
   * follower being the lowest-numbered other live server; null without a leader.
   */
  leaderAndFollowerSplit(): number[][] | null {
    const leader = this.leader();
    if (leader === null) return null;
    const follower = this.all().find((i) => i !== leader && this.alive(i));
    const side = follower === undefined ? [leader] : [leader, follower];
    return [side, this.all().filter((i) => !side.includes(i))];
  }
}
