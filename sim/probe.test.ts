import { describe, expect, it } from 'vitest';
import { Out, type Input, type NodeDef, type Payload, type Step } from './node.ts';
import { Probe } from './probe.ts';

/**
 * A counter server that answers "inc" one step late (on its "flush" timer),
 * persists its count, and a client that sends "inc" on every call and
 * returns the reply it gets (or "failed").
 */
interface Counter {
  readonly count: number;
  readonly held: number[];
}
const counter: NodeDef<Counter, null> = {
  name: 'counter',
  init(_c, persisted): Step<Counter> {
    const count = persisted.state.length > 0 ? persisted.state[0]! : 0;
    return { state: { count, held: [] }, outputs: [] };
  },
  step(st: Counter, input: Input): Step<Counter> {
    const out = new Out();
    if (input.kind === 'request') {
      out.setTimer('flush', 10);
      return out.done({ count: st.count, held: [...st.held, input.reqId] });
    }
    if (input.kind === 'timer') {
      const count = st.count + st.held.length;
      out.persist(new Uint8Array([count]), new Uint8Array(0));
      for (const reqId of st.held) out.reply(reqId, count);
      out.note(`count ${count}`);
      return out.done({ count, held: [] });
    }
    return out.done(st);
  },
};
const client: NodeDef<{ readonly calls: number[] }, null> = {
  name: 'client',
  init: () => ({ state: { calls: [] }, outputs: [] }),
  step(st, input) {
    const out = new Out();
    if (input.kind === 'call') return out.send(0, 'inc', null, input.callId).done({ calls: [...st.calls, input.callId] });
    if (input.kind === 'response') return out.return(input.tag as number, input.ok ? (input.reply as Payload) : 'failed').done(st);
    return out.done(st);
  },
};

function probe(): Probe {
  const p = new Probe({ seed: 7 });
  p.add({ name: 'server', def: counter, config: null });
  p.add({ name: 'client', def: client, config: null, peers: ['server'] });
  return p;
}

describe('Probe', () => {
  it('holds sends as flights until delivered; a reply may come in a later step of the server', () => {
    const p = probe();
    const id = p.startCall('client', 'go');
    expect(p.flights.map((f) => `${f.kind} ${f.caller}→${f.callee} ${f.method}`)).toEqual(['request client→server inc']);
    p.deliver();
    expect(p.flights).toEqual([]);
    expect(p.timerDue('server', 'flush')).toBe(10);
    p.advance(10);
    expect(p.nowUs).toBe(10);
    expect(p.returned(id)).toBe(1);
    expect(p.rpcs.map((r) => [r.caller, r.callee, r.reply])).toEqual([['client', 'server', 1]]);
    expect(p.notes).toEqual([{ node: 'server', incarnation: 0, atUs: 10, value: 'count 1' }]);
  });

  it('drops a flight by hand: no delivery and no outcome, the call never returns', () => {
    const p = probe();
    const id = p.startCall('client', 'go');
    expect(p.drop()?.method).toBe('inc');
    p.advance(100);
    expect([p.flights.length, p.rpcs.length, p.hasReturned(id)]).toEqual([0, 0, false]);
  });

  it('fails a call whose link is down or whose flight is dropped, and never delivers it', () => {
    const p = probe();
    p.linked = () => false;
    const a = p.startCall('client', 'go');
    p.pump();
    p.linked = () => true;
    p.dropIf = (f) => f.kind === 'request';
    const b = p.startCall('client', 'go');
    p.pump();
    expect([p.returned(a), p.returned(b), p.rpcs.length]).toEqual(['failed', 'failed', 0]);
  });

  it('restarts from the persisted blobs only; a crashed caller never hears its old outcomes', () => {
    const p = probe();
    p.startCall('client', 'go');
    p.pump();
    p.advance(10);
    p.startCall('client', 'go');
    p.deliver();
    p.crash('server');
    p.restart('server');
    expect(p.state<Counter>('server')).toEqual({ count: 1, held: [] });
    const lost = p.startCall('client', 'go');
    p.crash('client');
    p.restart('client');
    p.pump();
    p.advance(10);
    expect(p.hasReturned(lost)).toBe(false);
    expect(p.incarnation('client')).toBe(1);
  });

  it('delivers in a seeded random order on request, the same for the same seed', () => {
    const order = (seed: number) => {
      const p = new Probe({ seed });
      p.add({ name: 'server', def: counter, config: null });
      for (let c = 0; c < 6; c++) {
        p.add({ name: `c${c}`, def: client, config: null, peers: ['server'] });
        p.startCall(`c${c}`, 'go');
      }
      p.pump({ shuffle: true });
      return p.rpcs.map((r) => r.caller).join(' ');
    };
    expect(order(3)).toBe(order(3));
    expect(new Set([1, 2, 3, 4, 5].map(order)).size).toBeGreaterThan(1);
  });
});
