/**
 * A node with every `fact` output filtered out: what a from-scratch student
 * Raft looks like to simlab (it emits applies, replies, persists and RPCs,
 * never the fact vocabulary). `factless(node)` wraps any node;
 * scenarios/testdata/factless-raft.ts is the correct Raft wrapped so, usable
 * as `--impl raft=scenarios/testdata/factless-raft.ts`.
 */
import type { NodeDef, Step } from '../../sim/node.ts';

function dropFacts<S>(s: Step<S>): Step<S> {
  for (const o of s.outputs) if (o.kind === 'fact') return { state: s.state, outputs: s.outputs.filter((x) => x.kind !== 'fact') };
  return s;
}

export function factless<S, C>(node: NodeDef<S, C>): NodeDef<S, C> {
  return {
    ...node,
    init: (config, persisted, ctx) => dropFacts(node.init(config, persisted, ctx)),
    step: (state, input, ctx) => dropFacts(node.step(state, input, ctx)),
  };
}
