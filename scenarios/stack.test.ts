import { describe, expect, it } from 'vitest';
import { raft, type RaftConfig } from '../protocols/raft/index.ts';
import { matchScenarios, runScenario } from '../sim/scenario.ts';
import { Out, type Payload } from '../sim/node.ts';
import { Prng } from '../sim/prng.ts';
import { stack, type StackInput } from '../sim/stack.ts';
import './raft/index.ts';

/**
 * A tiny service over Raft: it forwards the tester's start/getState/snapshot
 * calls to its Raft child through local calls (answered in the same event),
 * and counts what the child applies. The Raft tester then drives the stack
 * exactly as it drives a bare Raft peer.
 */
interface EchoSvc {
  applied: number;
  lastBytes: number;
  /** local call tag → the tester's callId */
}
const forwarding = {
  name: 'echo-svc',
  init() {
    return new Out().done<EchoSvc>({ applied: 0, lastBytes: 0 });
  },
  step(st: EchoSvc, input: StackInput) {
    const out = new Out();
    if (input.kind === 'call') out.send('local:raft', input.method, input.args, input.callId);
    else if (input.kind === 'response' && input.to === 'local:raft') out.return(input.tag as number, input.reply as Payload);
    else if (input.kind === 'apply') {
      st.applied++;
      st.lastBytes = input.lowerStateBytes;
    }
    return out.done(st);
  },
};

const stacked = stack({
  name: 'raft',
  upper: forwarding,
  children: { raft: { def: raft, service: 'Raft.', persists: true } },
  configure: (c: RaftConfig) => ({ upper: null, children: { raft: c } }),
});

describe('stack', () => {
  it('runs every lab 3D scenario with Raft under a forwarding service (Snapshot from inside the apply)', () => {
    const failures: string[] = [];
    for (const s of matchScenarios('raft/3D/*')) {
      const r = runScenario(s, { seed: 1, impl: { raft: stacked } });
      if (!r.passed) failures.push(`${s.name}: ${r.failure?.message}`);
    }
    expect(failures).toEqual([]);
  });

  it('routes a timer to the child by its prefix and feeds applies with the persisted size', () => {
    const echoApply = {
      name: 'svc',
      init: () => new Out().done({ seen: [] as [Payload, number][] }),
      step(st: { seen: [Payload, number][] }, input: StackInput) {
        const out = new Out();
        if (input.kind === 'apply') st.seen.push([input.msg, input.lowerStateBytes]);
        if (input.kind === 'call') out.send('local:raft', 'start', { command: input.args }, input.callId);
        if (input.kind === 'response') out.return(input.tag as number, input.reply);
        return out.done(st);
      },
    };
    const def = stack({ name: 'x', upper: echoApply, children: { raft: { def: raft, service: 'Raft.', persists: true } } });
    const outs: unknown[] = [];
    const rng = new Prng(1);
    const ctx = { nowUs: 0, rng, fs: undefined };
    const first = def.init({ upper: null, children: { raft: { me: 0, peers: 1 } } }, { state: new Uint8Array(0), snapshot: new Uint8Array(0) }, ctx as never);
    outs.push(...first.outputs);
    expect(first.outputs.some((o) => o.kind === 'setTimer' && o.name === 'raft/election')).toBe(true);
    // A one-peer Raft elects itself on its election timer, then commits a Start at once.
    void def.step(first.state, { kind: 'timer', name: 'raft/election' }, ctx as never);
    const r = def.step(first.state, { kind: 'call', callId: 7, method: 'put', args: 'hello' }, ctx as never);
    const ret = r.outputs.find((o) => o.kind === 'return');
    expect(ret).toMatchObject({ callId: 7, value: { index: 1, isLeader: true } });
    const seen = (r.state.upper as { seen: [Payload, number][] }).seen;
    expect(seen.length).toBe(1);
    expect((seen[0]![0] as { command: Payload }).command).toBe('hello');
    const persisted = r.outputs.find((o) => o.kind === 'persist');
    expect(persisted).toBeDefined();
    expect(seen[0]![1]).toBeGreaterThan(0);
  });
});

