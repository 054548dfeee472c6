import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseKvLog } from '../history/index.ts';
import { checkOperations, kvModel } from '../linearizability/index.ts';
import { porcupineDataDir } from '../shared-data.ts';
import type { ReportData } from './data.ts';
import type { KvInput, KvOutput, Operation } from '../linearizability/index.ts';
import { htmlReport } from './report.ts';
import { HISTORY_WINDOW as WINDOW } from './data.ts';

/** Just enough of the DOM for the viewer: elements with attributes, children, text and listeners. */
class FakeElement {
  readonly attributes = new Map<string, string>();
  readonly children: FakeElement[] = [];
  readonly style = { cssText: '' };
  textContent: string | null = null;
  value = '';
  scrollLeft = 0;
  constructor(readonly tag: string) {}
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  appendChild<T extends FakeElement>(child: T): T {
    this.children.push(child);
    return child;
  }
  replaceChildren(...children: FakeElement[]): void {
    this.children.splice(0, this.children.length, ...children);
  }
  readonly listeners: (() => void)[] = [];
  addEventListener(_: string, listener: () => void): void {
    this.listeners.push(listener);
  }
  click(): void {
    for (const l of this.listeners) l();
  }
  *all(): Generator<FakeElement> {
    yield this;
    for (const child of this.children) yield* child.all();
  }
}

/** Runs the page's script against a fake document; returns the drawing and the partition line. */
function runViewer(html: string): { canvas: FakeElement; info: FakeElement; select: FakeElement } {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const elements: Record<string, FakeElement> = {
    'report-data': Object.assign(new FakeElement('script'), { textContent: json }),
    partition: new FakeElement('select'),
    canvas: new FakeElement('div'),
    'partition-info': new FakeElement('span'),
  };
  const document = {
    getElementById: (id: string) => elements[id] ?? null,
    createElement: (tag: string) => new FakeElement(tag),
    createElementNS: (_: string, tag: string) => new FakeElement(tag),
  };
  runInNewContext(script, { document });
  return { canvas: elements.canvas!, info: elements['partition-info']!, select: elements.partition! };
}

describe('HTML report of an illegal history (c01-bad)', async () => {
  const file = path.join(porcupineDataDir(), 'kv/c01-bad.txt');
  const operations = parseKvLog(readFileSync(file, 'utf8'), file);
  const result = checkOperations(kvModel, operations);
  const html = await htmlReport(kvModel, operations, result, 'c01-bad.txt');
  const failing = result.partitions.find((p) => p.verdict === 'illegal')!.failing!;

  it('is one self-contained page that names the failing operation', () => {
    expect(result.verdict).toBe('illegal');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]* src=|<link /);
    expect(html).toContain('c01-bad.txt: <span class="verdict-illegal">illegal</span>');
    expect(html).toContain('not linearizable: partition "7"');
    expect(html).toContain(`cannot be placed next: client 0 [59, 60] get("7") → "x 0 0 y"`);
  });

  it('embeds the lanes and partitions as data, undecided partitions marked', () => {
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const data = JSON.parse(json) as ReportData;
    expect(data.operations).toHaveLength(38);
    expect(data.operations[failing]).toEqual({ client: 0, call: 59, return: 60, text: 'get("7") → "x 0 0 y"' });
    const bad = data.partitions.find((p) => p.key === '7')!;
    expect(bad.verdict).toBe('illegal');
    expect(bad.failing).toBe(failing);
    expect(bad.states).toEqual(['""', '"x 0 0 y"', '"x 0 0 yx 0 3 y"']);
    expect(data.partitions.filter((p) => p.verdict === 'unknown').map((p) => p.key)).toEqual(['6', '5', '2', '1', '3', '4']);
  });

  it('draws the failing partition: a lane per client, the linearization numbered, the failing bar marked', () => {
    const { canvas, info, select } = runViewer(html);
    const drawn = [...canvas.all()];
    expect(info.textContent).toBe('partition "7": illegal, 5 operations, 3 linearized — cannot place: get("7") → "x 0 0 y"');
    expect(select.children.map((o) => o.textContent)).toContain('7 — illegal');
    expect(select.children.map((o) => o.textContent)).toContain('6 — undecided');
    expect(drawn.filter((e) => e.tag === 'text' && e.textContent === 'client 0')).toHaveLength(1);
    const bars = drawn.filter((e) => e.tag === 'rect');
    expect(bars).toHaveLength(5);
    const failingBars = bars.filter((e) => e.attributes.get('class') === 'op failing');
    expect(failingBars).toHaveLength(1);
    expect(failingBars[0]!.children[0]!.textContent).toContain('cannot be placed after the linearization shown');
    expect(drawn.filter((e) => e.tag === 'circle')).toHaveLength(3);
    expect(drawn.some((e) => e.tag === 'polyline')).toBe(true);
  });

  it('keeps embedded text from closing the script element', async () => {
    const sneaky = operations.map((op, i) => (i === 0 ? { ...op, input: { ...op.input, value: '</script><b>' } } : op));
    const page = await htmlReport(kvModel, sneaky, checkOperations(kvModel, sneaky), 'sneaky');
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).toContain('\\u003c/script>\\u003cb>');
  });
});

describe('HTML report of a long history', () => {
  // One client Puts 0, 1, 2, … into one key and Gets after each Put; the Get after Put 700 reads 699.
  const ops: Operation<KvInput, KvOutput>[] = [];
  for (let k = 0; k < 1000; k++) {
    ops.push({ clientId: 0, input: { op: 1, key: 'k', value: String(k) }, call: 4 * k, output: { value: '' }, return: 4 * k + 1 });
    ops.push({ clientId: 0, input: { op: 0, key: 'k', value: '' }, call: 4 * k + 2, output: { value: String(k === 700 ? 699 : k) }, return: 4 * k + 3 });
  }

  it(`draws ${WINDOW} operations at a time, the failing one's window first, and moves to earlier and later ones`, async () => {
    const result = checkOperations(kvModel, ops);
    expect(result.verdict).toBe('illegal');
    const { canvas } = runViewer(await htmlReport(kvModel, ops, result, 'long'));
    const find = (cls: string) => [...canvas.all()].find((e) => e.attributes.get('class') === cls)!;
    const bars = () => [...canvas.all()].filter((e) => e.tag === 'rect');
    expect(bars()).toHaveLength(WINDOW);
    expect(bars().filter((e) => e.attributes.get('class') === 'op failing')).toHaveLength(1);
    const first = 1401 - WINDOW / 2;
    expect(find('history-window').textContent).toBe(` operations ${first + 1}–${first + WINDOW} of 2000, by call time (${WINDOW} at a time) `);
    // The points keep their numbers in the whole linearization.
    const numbers = [...canvas.all()].filter((e) => e.attributes.get('class') === 'ptnum').map((e) => Number(e.textContent));
    expect(numbers[0]).toBe(first + 1);
    find('history-later').click();
    expect(find('history-window').textContent).toBe(` operations ${2000 - WINDOW + 1}–2000 of 2000, by call time (${WINDOW} at a time) `);
    expect(bars().filter((e) => e.attributes.get('class') === 'op failing')).toHaveLength(0);
    expect(find('history-later').attributes.has('disabled')).toBe(true);
    for (let k = 0; k < 10; k++) find('history-earlier').click();
    expect(find('history-window').textContent).toBe(` operations 1–${WINDOW} of 2000, by call time (${WINDOW} at a time) `);
    expect(find('history-earlier').attributes.has('disabled')).toBe(true);
  });
});
