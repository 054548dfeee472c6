/**
 * The entrance for protocols: the one module of sim/ that protocols/ may
 * import (scenarios/layering.test.ts enforces it). It holds what a node
 * needs to be written and unit-tested, and nothing of the kernel's
 * machinery (queue, network, host, world, trace):
 *
 * - the node contract (sim/node.ts): inputs, outputs and their builder
 *   `Out`, step results, the persisted blobs, the step context;
 * - the value codec (sim/codec.ts), since persisted state and snapshots are
 *   bytes a node encodes and decodes itself;
 * - the seeded generator (sim/prng.ts): the type of `ctx.rng`, and the way
 *   a test builds a context of its own;
 * - the synchronous probe (sim/probe.ts), which drives a few nodes by hand
 *   for unit tests; protocol testkits are helpers over it; and a file
 *   system (sim/storage.ts) to hand a node that reads files in such a test.
 */
export * from './node.ts';
export { arrayHeader, CodecError, decode, Encoded, decodeSequence, encode, encodedSize, utf8Length, ValueCursor, type Value } from './codec.ts';
export { Prng } from './prng.ts';
export { FileSystem } from './storage.ts';
export { Probe, type ProbeFlight, type ProbeNodeOptions, type ProbeOptions, type ProbeRecord, type ProbeRpc } from './probe.ts';
