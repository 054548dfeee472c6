/**
 * The ten tests of src/kvsrv/test_test.go (spec §4) as scenario bodies.
 *
 * One deliberate addition: the simulated reliable network answers a call in
 * zero virtual time, so a client that loops "until told to stop" would make
 * unboundedly many operations in one instant. GenericTest's clients
 * therefore pause U[0, CLIENT_PAUSE_US_MAX] between operations, standing in
 * for the Go clerk's own per-call cost.
 */
import { US_PER_MS, seconds } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { Channel, sleep, type Co } from '../../sim/task.ts';
import type { Prng } from '../../sim/prng.ts';
import { MiB, bigValue } from '../../protocols/kvsrv/testkit.ts';
import { KvsrvTester, type Clerk } from './tester.ts';

/** GenericTest's NITER iterations of TIME seconds each. */
export const NITER = 3;
export const ITERATION_US = seconds(1);
/** Upper bound of a GenericTest client's pause between two operations. */
export const CLIENT_PAUSE_US_MAX = 4 * US_PER_MS;

const token = (client: number, j: number): string => `x ${client} ${j} y`;

/** checkClntAppends: the client's tokens 0…count-1 each appear once, in order. */
function checkClientAppends(t: ScenarioContext, client: number, v: string, count: number): void {
  let lastOff = -1;
  for (let j = 0; j < count; j++) {
    const wanted = token(client, j);
    const off = v.indexOf(wanted);
    if (off < 0) t.fail(`${client} missing element ${wanted} in Append result (${v.length} characters)`);
    if (v.lastIndexOf(wanted) !== off) t.fail(`duplicate element ${wanted} in Append result`);
    if (off <= lastOff) t.fail(`wrong order for element ${wanted} in Append result`);
    lastOff = off;
  }
}

interface ClientRun {
  readonly kv: KvsrvTester;
  readonly client: number;
  readonly nclients: number;
  readonly randomkeys: boolean;
  readonly rng: Prng;
  readonly stop: { done: boolean };
}

/** One GenericTest client on its own fresh clerk; returns j, its count of Appends and Puts. */
function* genericClient(t: ScenarioContext, ck: Clerk, r: ClientRun): Co<number> {
  const { kv, client: cli, rng } = r;
  let j = 0;
  let last = '';
  if (!r.randomkeys) yield* kv.put(ck, String(cli), last, cli);
  while (!r.stop.done) {
    const key = r.randomkeys ? String(rng.below(r.nclients)) : String(cli);
    const nv = token(cli, j);
    if (rng.below(1000) < 500) {
      const l = yield* kv.append(ck, key, nv, cli);
      if (!r.randomkeys) {
        if (j > 0 && !l.includes(token(cli, j - 1))) t.fail(`error: old ${token(cli, j - 1)} not in return\n${l}`);
        if (l.includes(nv)) t.fail(`error: new value ${nv} in returned values\n${l}`);
        last += nv;
      }
      j++;
    } else if (r.randomkeys && rng.below(1000) < 100) {
      yield* kv.put(ck, key, nv, cli);
      j++;
    } else {
      const v = yield* kv.get(ck, key, cli);
      if (!r.randomkeys && v !== last) t.fail(`get wrong value, key ${key}, wanted:\n${last}\n, got\n${v}`);
    }
    yield* sleep(rng.below(CLIENT_PAUSE_US_MAX + 1));
  }
  return j;
}

/**
 * GenericTest(nclients, unreliable, randomkeys): NITER rounds of nclients
 * clients on fresh clerks for one second each; after each round the main
 * clerk reads every client's key (fixed keys: all its appends, once, in
 * order); at the end the whole history is checked with the KV model.
 */
export function* genericTest(t: ScenarioContext, nclients: number, unreliable: boolean, randomkeys: boolean): Co<KvsrvTester> {
  const kv = new KvsrvTester(t, unreliable);
  const ck = kv.makeClient();
  const mainHistoryId = nclients; // clients are 0 … nclients-1
  for (let i = 0; i < NITER; i++) {
    const stop = { done: false };
    const counts = Array.from({ length: nclients }, (_, c) => new Channel<number>(`client-${c}-count`));
    for (let c = 0; c < nclients; c++) {
      const run: ClientRun = { kv, client: c, nclients, randomkeys, rng: t.rng.fork(`iteration-${i}/client-${c}`), stop };
      t.world.go(`client-${c}`, runClient(t, kv, run, counts[c]!));
    }
    yield* sleep(ITERATION_US);
    stop.done = true;
    for (let c = 0; c < nclients; c++) {
      const received = yield* counts[c]!.recv();
      const j = received.ok ? received.value : 0;
      const v = yield* kv.get(ck, String(c), mainHistoryId);
      if (!randomkeys) checkClientAppends(t, c, v, j);
    }
  }
  t.log(`${kv.opCount} operations, ${t.world.network.getTotalCount()} RPCs`);
  kv.checkHistory();
  return kv;
}

/** run_client: a fresh clerk for one client, deleted when it is done. */
function* runClient(t: ScenarioContext, kv: KvsrvTester, run: ClientRun, count: Channel<number>): Co<void> {
  const ck = kv.makeClient();
  const j = yield* genericClient(t, ck, run);
  count.send(j);
  kv.deleteClient(ck);
}

/** TestUnreliableOneKey2: 5 clients each Append 10 tokens to "k"; each once, in per-client order. */
export function* unreliableOneKeyTest(t: ScenarioContext): Co<KvsrvTester> {
  const NCLIENT = 5;
  const UPTO = 10;
  const kv = new KvsrvTester(t, true);
  const ck = kv.makeClient();
  yield* kv.put(ck, 'k', '', NCLIENT);
  const clients = Array.from({ length: NCLIENT }, (_, me) =>
    t.world.go(
      `client-${me}`,
      (function* (): Co<void> {
        const myck = kv.makeClient();
        for (let n = 0; n < UPTO; n++) {
          const nv = token(me, n);
          const ov = yield* kv.append(myck, 'k', nv, me);
          if (ov.includes(nv)) t.fail(`error: nv ${nv} in returned values\n${ov}`);
        }
        kv.deleteClient(myck);
      })(),
    ),
  );
  for (const c of clients) yield* c.join();
  const vx = yield* kv.get(ck, 'k', NCLIENT);
  for (let c = 0; c < NCLIENT; c++) checkClientAppends(t, c, vx, UPTO);
  kv.checkHistory();
  return kv;
}

/** randValue(n): n random letters (a seeded 4 KiB block repeated; the server cannot tell). */
function randValue(t: ScenarioContext, n: number): string {
  return bigValue(n, t.rng.below(2 ** 31));
}

function budgetMessage(test: string, bytes: number, limit: string): string {
  return `error: server using too much memory in ${test}: ${bytes} bytes retained (${(bytes / MiB).toFixed(2)} MiB), limit ${limit}`;
}

function growthMessage(test: string, before: number, after: number, nclient: number, perClient: string): string {
  const per = ((after - before) / nclient).toFixed(2);
  return `error: server using too much memory in ${test}: grew from ${before} to ${after} bytes, ${per} per client, limit ${perClient} per client`;
}

/** TestMemGet2 (unreliable): a 10 MiB value read by two clerks and replaced; the server keeps < 10 MiB. */
export function* memGetTest(t: ScenarioContext): Co<KvsrvTester> {
  const MEM = 10;
  const kv = new KvsrvTester(t, true);
  const ck0 = kv.makeClient();
  const ck1 = kv.makeClient();
  const rdVal = randValue(t, MiB * MEM);
  yield* kv.put(ck0, 'k', rdVal, 0);
  const v0 = yield* kv.get(ck0, 'k', 0);
  t.check(v0.length === rdVal.length, `error: incorrect len ${v0.length} ${rdVal.length}`);
  const v1 = yield* kv.get(ck1, 'k', 1);
  t.check(v1.length === rdVal.length, `error: incorrect len ${v1.length} ${rdVal.length}`);
  yield* kv.put(ck0, 'k', '0', 0);
  const bytes = kv.serverBytes();
  t.log(`retained ${bytes} bytes`);
  t.check(bytes < MEM * MiB, budgetMessage('MemGet', bytes, '< 10 MiB'));
  kv.checkHistory();
  t.sometimes('the 10 MiB value was read back twice', v0 === rdVal && v1 === rdVal);
  return kv;
}

/** TestMemPut2: a 10 MiB Put overwritten by another clerk's Put of ""; the server keeps < 10 MiB. */
export function* memPutTest(t: ScenarioContext): Co<KvsrvTester> {
  const MEM = 10;
  const kv = new KvsrvTester(t, false);
  const ck0 = kv.makeClient();
  const ck1 = kv.makeClient();
  const rdVal = randValue(t, MiB * MEM);
  yield* kv.put(ck0, 'k', rdVal, 0);
  yield* kv.put(ck1, 'k', '', 1);
  const bytes = kv.serverBytes();
  t.log(`retained ${bytes} bytes`);
  t.check(bytes < MEM * MiB, budgetMessage('MemPut', bytes, '< 10 MiB'));
  kv.checkHistory();
  t.sometimes('a 10 MiB value was stored and replaced', kv.ops.length === 2);
  return kv;
}

/** TestMemAppend2: two clerks Append 10 MiB each; the server keeps ≤ 30 MiB. */
export function* memAppendTest(t: ScenarioContext): Co<KvsrvTester> {
  const MEM = 10;
  const kv = new KvsrvTester(t, false);
  const ck0 = kv.makeClient();
  const ck1 = kv.makeClient();
  const rdVal0 = randValue(t, MiB * MEM);
  yield* kv.append(ck0, 'k', rdVal0, 0);
  const rdVal1 = randValue(t, MiB * MEM);
  const old = yield* kv.append(ck1, 'k', rdVal1, 1);
  const bytes = kv.serverBytes();
  t.log(`retained ${bytes} bytes`);
  t.check(bytes <= 3 * MEM * MiB, budgetMessage('MemAppend', bytes, '≤ 30 MiB'));
  kv.checkHistory();
  t.sometimes('the second Append returned the first 10 MiB', old === rdVal0);
  return kv;
}

/**
 * The many-clients tests: NCLIENT clerks made first, a 1 s pause, then one
 * operation each, in turn; the server's growth per client is bounded.
 */
function* manyClients(
  t: ScenarioContext,
  kv: KvsrvTester,
  nclient: number,
  op: (ck: Clerk, i: number) => Co<void>,
): Co<{ before: number; after: number }> {
  const cks: Clerk[] = [];
  for (let i = 0; i < nclient; i++) cks.push(kv.makeClient());
  yield* sleep(seconds(1));
  const before = kv.serverBytes();
  for (let i = 0; i < nclient; i++) yield* op(cks[i]!, i);
  const after = kv.serverBytes();
  for (const ck of cks) kv.deleteClient(ck);
  t.log(`${nclient} clients: retained ${before} bytes before, ${after} after (${((after - before) / nclient).toFixed(2)} per client)`);
  return { before, after };
}

export const MANY_CLIENTS = 100_000;

/** TestMemPutManyClients: 100,000 clerks each Put a 1000-byte value; growth ≤ 200 B per client. */
export function* memPutManyClientsTest(t: ScenarioContext): Co<KvsrvTester> {
  const MEM = 1000;
  const kv = new KvsrvTester(t, false);
  const v = randValue(t, MEM);
  const { before, after } = yield* manyClients(t, kv, MANY_CLIENTS, (ck, i) => kv.put(ck, 'k', v, i));
  t.check(after <= before + MANY_CLIENTS * 200, growthMessage('MemPutManyClients', before, after, MANY_CLIENTS, '≤ 200 B'));
  kv.checkHistory();
  t.sometimes('every client stored its value', kv.ops.length === MANY_CLIENTS);
  return kv;
}

/** TestMemGetManyClients: after Put("0", ""), 100,000 clerks each Get "0"; growth < 10 B per client. */
export function* memGetManyClientsTest(t: ScenarioContext): Co<KvsrvTester> {
  const kv = new KvsrvTester(t, false);
  const ck = kv.makeClient();
  yield* kv.put(ck, '0', '', MANY_CLIENTS);
  let read = 0;
  const { before, after } = yield* manyClients(t, kv, MANY_CLIENTS, function* (c, i) {
    if ((yield* kv.get(c, '0', i)) === '') read++;
  });
  t.check(after < before + MANY_CLIENTS * 10, growthMessage('MemGetManyClients', before, after, MANY_CLIENTS, '< 10 B'));
  kv.checkHistory();
  t.sometimes('every client read the value', read === MANY_CLIENTS);
  return kv;
}

/** TestMemManyAppends: one clerk Appends the same 1000-byte value 1000 times; the server keeps < 3 MB. */
export function* memManyAppendsTest(t: ScenarioContext): Co<KvsrvTester> {
  const N = 1000;
  const MEM = 1000;
  const kv = new KvsrvTester(t, false);
  const ck = kv.makeClient();
  const rdVal = randValue(t, MEM);
  let last = '';
  for (let i = 0; i < N; i++) last = yield* kv.append(ck, 'k', rdVal, 0);
  const bytes = kv.serverBytes();
  t.log(`retained ${bytes} bytes`);
  t.check(bytes < 3 * MEM * N, budgetMessage('MemManyAppends', bytes, `< ${3 * MEM * N} bytes`));
  kv.checkHistory();
  t.sometimes('the last Append returned 999 values', last.length === (N - 1) * MEM);
  return kv;
}
