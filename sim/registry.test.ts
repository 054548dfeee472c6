import { describe, expect, it } from 'vitest';
import { Registry } from './registry.ts';

describe('Registry', () => {
  const make = () => {
    const r = new Registry<{ name: string }>('widget', /^w\/[a-z0-9/-]+$/, 'w/… expected');
    for (const name of ['w/a/x', 'w/a/y', 'w/b/x', 'w/a']) r.define({ name });
    return r;
  };

  it('keeps registration order, finds by name, refuses a taken or malformed name in the kind’s words', () => {
    const r = make();
    expect(r.all().map((x) => x.name)).toEqual(['w/a/x', 'w/a/y', 'w/b/x', 'w/a']);
    expect(r.find('w/b/x')).toEqual({ name: 'w/b/x' });
    expect(r.find('w/c')).toBeUndefined();
    expect(() => r.define({ name: 'w/a' })).toThrow('a widget named w/a is already registered');
    expect(() => r.define({ name: 'x' })).toThrow('bad widget name "x" (w/… expected)');
  });

  it('matches a name, everything under a prefix, * within a segment and ** across', () => {
    const names = (p: string) => make().match(p).map((x) => x.name);
    expect(names('w/a')).toEqual(['w/a']);
    expect(names('w/b')).toEqual(['w/b/x']);
    expect(names('w/*/x')).toEqual(['w/a/x', 'w/b/x']);
    expect(names('w/**')).toEqual(['w/a/x', 'w/a/y', 'w/b/x', 'w/a']);
  });
});
