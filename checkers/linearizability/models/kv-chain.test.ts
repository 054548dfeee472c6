import { describe, expect, it } from 'vitest';
import { Prng } from '../../../sim/prng.ts';
import { chainText, kvChainModel, type ChainValue } from './kv-chain.ts';
import { kvModel, type KvInput, type KvOutput } from './kv.ts';

/** A random operation on one key whose output is the true one (string model) or, half the time for reads, slightly off. */
function randomStep(rng: Prng, truth: string): { input: KvInput; output: KvOutput | undefined } {
  const op = rng.below(4) as KvInput['op'];
  const value = ['a', 'b', 'ab', 'x 1 2 y', ''][rng.below(5)]!;
  if (rng.chance(1, 8)) return { input: { op, key: 'k', value }, output: undefined };
  const read = op === 0 || op === 3;
  const wrong = [truth.slice(1), `${truth}a`, truth.slice(0, -1) + 'b', 'ab'][rng.below(4)]!;
  return { input: { op, key: 'k', value }, output: { value: read && rng.chance(1, 2) ? wrong : truth } };
}

describe('kvChainModel (the KV model the search runs)', () => {
  it('allows exactly what kvModel allows, step by step, and its values read as kvModel’s strings', () => {
    let disagreements = 0;
    let illegal = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Prng(seed);
      let text = kvModel.init();
      let chain = kvChainModel.init();
      for (let i = 0; i < 40; i++) {
        const { input, output } = randomStep(rng, text);
        const nextText = kvModel.step(text, input, output);
        const nextChain = kvChainModel.step(chain, input, output);
        if ((nextText === undefined) !== (nextChain === undefined)) disagreements++;
        if (nextText === undefined || nextChain === undefined) {
          illegal++;
          continue;
        }
        if (chainText(nextChain) !== nextText || nextChain.length !== nextText.length) disagreements++;
        text = nextText;
        chain = nextChain;
      }
    }
    expect(disagreements).toBe(0);
    expect(illegal).toBeGreaterThan(1000);
  });

  it('tells values apart by content, whatever appends built them, with hashes that agree with equality', () => {
    const build = (parts: string[]): ChainValue =>
      parts.reduce((v, part) => kvChainModel.step(v, { op: 2, key: 'k', value: part }, undefined)!, kvChainModel.init());
    const a = build(['ab', 'c', 'de']);
    const b = build(['a', 'bcd', 'e']);
    const put = kvChainModel.step(a, { op: 1, key: 'k', value: 'abcde' }, undefined)!;
    const c = build(['ab', 'de', 'c']);
    expect([kvChainModel.equal!(a, b), kvChainModel.equal!(b, put), kvChainModel.equal!(a, c)]).toEqual([true, true, false]);
    expect(kvChainModel.hash!(a)).toBe(kvChainModel.hash!(b));
    expect(kvChainModel.hash!(a)).toBe(kvChainModel.hash!(put));
    expect(kvChainModel.hash!(a)).not.toBe(kvChainModel.hash!(c));
  });

  it('reads a value by comparing its appends with the observed string, and remembers the text', () => {
    const v = kvChainModel.step(kvChainModel.step(kvChainModel.init(), { op: 1, key: 'k', value: 'p' }, undefined)!, { op: 2, key: 'k', value: 'q' }, undefined)!;
    expect(v.text).toBeUndefined();
    expect(kvChainModel.step(v, { op: 0, key: 'k', value: '' }, { value: 'pr' })).toBeUndefined();
    expect(kvChainModel.step(v, { op: 0, key: 'k', value: '' }, { value: 'rq' })).toBeUndefined();
    expect(kvChainModel.step(v, { op: 0, key: 'k', value: '' }, { value: 'pq' })).toBe(v);
    expect(v.text).toBe('pq');
    expect(kvChainModel.describeState!(v)).toBe('"pq"');
  });

  it('calls a read hopeless only where appends cannot lead to it, and a put may enable it only if it starts the read value', () => {
    const at = (parts: string[]) =>
      parts.reduce((v, part) => kvChainModel.step(v, { op: 2, key: 'k', value: part }, undefined)!, kvChainModel.init());
    const get = { op: 0, key: 'k', value: '' } as const;
    const may = (v: ChainValue, observed: string) => kvChainModel.mayBecomeLegal!(v, get, { value: observed });
    expect([may(at(['a', 'b']), 'abc'), may(at(['a', 'b']), 'ab'), may(at([]), 'xyz')]).toEqual([true, true, true]);
    expect([may(at(['b', 'a']), 'abc'), may(at(['a', 'b', 'c']), 'ab'), may(at(['a', 'c']), 'abc')]).toEqual([false, false, false]);
    // Asked again against the same read (the answer is remembered per value), and against another.
    const ab = at(['a', 'b']);
    expect([may(ab, 'abd'), may(ab, 'abd'), may(ab, 'xab')]).toEqual([true, true, false]);
    const put = { op: 1, key: 'k', value: 'ab' } as const;
    expect(kvChainModel.resets!(put)).toBe(true);
    expect(kvChainModel.resets!({ op: 2, key: 'k', value: 'ab' })).toBe(false);
    expect([kvChainModel.resetMayEnable!(put, get, { value: 'abc' }), kvChainModel.resetMayEnable!(put, get, { value: 'cab' })]).toEqual([true, false]);
  });
});
