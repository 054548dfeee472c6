/**
 * The report's script (bundled into the page by report.ts): one lane per
 * client, each operation of the selected partition a bar over (rank-compressed)
 * time, the linearization found drawn as numbered points joined by a line, the
 * operation that cannot be placed in red. Hover a bar for its description and
 * the state after it. A partition of more than WINDOW operations is drawn
 * WINDOW at a time (in call order, the failing one's window first), with
 * buttons for the earlier and later ones: a page of 100,000 operations opens
 * at once instead of building half a million SVG elements.
 */
import { HISTORY_WINDOW as WINDOW, type ReportData, type ReportPartition } from './data.ts';
import { SVG_NS, theDocument, type DomElement } from './dom.ts';

/** A lane: the marker row (linearization points) above the bar, so markers never cover a label. */
const LANE_PX = 44;
const MARK_PX = 14;
const BAR_PX = 20;
const STEP_PX = 34;
/** The client names sit in their own column that does not scroll with the bars. */
const NAMES_PX = 80;
const LEFT_PX = 10;
const TOP_PX = 12;
/** Width of one character of the 10px label font, rounded up. */
const CHAR_PX = 6;


const doc = theDocument();

function svg(tag: string, attrs: Record<string, string | number>, parent: DomElement): DomElement {
  const el = doc.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return parent.appendChild(el);
}

/** x positions for every distinct time of the partition, in order; never-returned ends go last. */
function timeScale(data: ReportData, ops: readonly number[]): (t: number | null) => number {
  const times = new Set<number>();
  for (const i of ops) {
    const op = data.operations[i]!;
    times.add(op.call);
    if (op.return !== null) times.add(op.return);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const rank = new Map(sorted.map((t, k) => [t, k] as const));
  return (t) => LEFT_PX + STEP_PX * (t === null ? sorted.length + 1 : rank.get(t)!);
}

/** The label cut to what fits in `width` pixels, "…" marking the cut. */
function fitLabel(text: string, width: number): string {
  const room = Math.floor((width - 6) / CHAR_PX);
  if (text.length <= room) return text;
  return room <= 1 ? '' : text.slice(0, room - 1) + '…';
}

/** Where the window of a partition starts at first: at 0, or with the failing operation in its middle. */
function firstWindow(part: ReportPartition): number {
  if (part.operations.length <= WINDOW || part.failing === null) return 0;
  const at = part.operations.indexOf(part.failing);
  return Math.max(0, Math.min(part.operations.length - WINDOW, at - WINDOW / 2));
}

function draw(data: ReportData, part: ReportPartition, canvas: DomElement, start: number, move: (start: number) => void): void {
  const ops = part.operations.slice(start, start + WINDOW);
  const shown = new Set(ops);
  const x = timeScale(data, ops);
  const clients = [...new Set(ops.map((i) => data.operations[i]!.client))].sort((a, b) => a - b);
  const lane = new Map(clients.map((c, k) => [c, k] as const));
  const width = ops.reduce((w, i) => Math.max(w, x(data.operations[i]!.return)), 0) + STEP_PX * 2;
  const height = TOP_PX + LANE_PX * clients.length + 10;
  const names = doc.createElementNS(SVG_NS, 'svg');
  names.setAttribute('width', String(NAMES_PX));
  names.setAttribute('height', String(height));
  const root = doc.createElementNS(SVG_NS, 'svg');
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  clients.forEach((c, k) => {
    svg('text', { x: 4, y: TOP_PX + LANE_PX * k + MARK_PX + 14, class: 'lane' }, names).textContent = `client ${c}`;
    svg('line', { x1: LEFT_PX, x2: width, y1: TOP_PX + LANE_PX * (k + 1) - 2, y2: TOP_PX + LANE_PX * (k + 1) - 2, class: 'sep' }, root);
  });
  const order = new Map(part.linearization.map((op, k) => [op, k] as const));
  const points: [number, number][] = [];
  let lastX = 0;
  let failingX = 0;
  for (const i of ops) {
    const op = data.operations[i]!;
    const y = TOP_PX + LANE_PX * lane.get(op.client)! + MARK_PX;
    const x0 = x(op.call);
    const x1 = Math.max(x(op.return), x0 + 6);
    const k = order.get(i);
    const kind = i === part.failing ? 'failing' : k !== undefined ? 'placed' : 'unplaced';
    if (i === part.failing) {
      failingX = x0;
      svg('text', { x: x0, y: y - 3, class: 'failmark' }, root).textContent = `✗ cannot be placed: ${op.text}`;
    }
    const bar = svg('rect', { x: x0, y, width: x1 - x0, height: BAR_PX, rx: 3, class: `op ${kind}${op.return === null ? ' open' : ''}` }, root);
    const state = k === undefined ? '' : `\nstate after: ${part.states[k]}`;
    const label = i === part.failing ? '\ncannot be placed after the linearization shown' : '';
    svg('title', {}, bar).textContent = `${op.text}\nclient ${op.client} [${op.call}, ${op.return ?? 'never returned'}]${state}${label}`;
    svg('text', { x: x0 + 3, y: y + 14, class: 'optext' }, root).textContent = fitLabel(op.text, x1 - x0);
  }
  // The linearization's points of the operations in the window, numbered as in the whole partition.
  const numbers: number[] = [];
  part.linearization.forEach((i, k) => {
    if (!shown.has(i)) return;
    const op = data.operations[i]!;
    lastX = Math.min(Math.max(lastX, x(op.call) + 3), x(op.return) - 3);
    points.push([lastX, TOP_PX + LANE_PX * lane.get(op.client)! + MARK_PX / 2]);
    numbers.push(k + 1);
  });
  if (points.length > 1) svg('polyline', { points: points.map((p) => p.join(',')).join(' '), class: 'lin' }, root);
  points.forEach(([px, py], k) => {
    svg('circle', { cx: px, cy: py, r: 6.5, class: 'pt' }, root);
    svg('text', { x: px, y: py + 3, class: 'ptnum' }, root).textContent = String(numbers[k]);
  });
  const scroller = doc.createElement('div');
  scroller.setAttribute('class', 'scroller');
  scroller.appendChild(root);
  const total = part.operations.length;
  if (total <= WINDOW) canvas.replaceChildren(names, scroller);
  else canvas.replaceChildren(windowNav(start, ops.length, total, move), names, scroller);
  scroller.scrollLeft = Math.max(0, failingX - 200);
}

/** "◀ earlier  operations 401–800 of 100000, by call time  later ▶". */
function windowNav(start: number, shown: number, total: number, move: (start: number) => void): DomElement {
  const nav = doc.createElement('div');
  nav.setAttribute('class', 'history-nav');
  const button = (label: string, to: number, enabled: boolean) => {
    const b = doc.createElement('button');
    b.textContent = label;
    if (!enabled) b.setAttribute('disabled', '');
    b.addEventListener('click', () => move(to));
    return nav.appendChild(b);
  };
  button('◀ earlier', Math.max(0, start - WINDOW), start > 0).setAttribute('class', 'history-earlier');
  const text = nav.appendChild(doc.createElement('span'));
  text.setAttribute('class', 'history-window');
  text.textContent = ` operations ${start + 1}–${start + shown} of ${total}, by call time (${WINDOW} at a time) `;
  button('later ▶', Math.min(total - WINDOW, start + WINDOW), start + shown < total).setAttribute('class', 'history-later');
  return nav;
}

function summary(part: ReportPartition, data: ReportData): string {
  const name = part.key === '' ? 'whole history' : `partition ${JSON.stringify(part.key)}`;
  const verdict = part.verdict === 'unknown' ? 'undecided' : part.verdict;
  const failing = part.failing === null ? '' : ` — cannot place: ${data.operations[part.failing]!.text}`;
  return `${name}: ${verdict}, ${part.operations.length} operations, ${part.linearization.length} linearized${failing}`;
}

/**
 * Element ids: a run report that carries a history prefixes them with
 * "history-" (its own canvas and data have the plain names).
 */
function idPrefix(): string {
  return doc.getElementById('history-report-data') !== null ? 'history-' : '';
}

function start(): void {
  const id = (name: string) => doc.getElementById(`${idPrefix()}${name}`)!;
  const data = JSON.parse(id('report-data').textContent ?? '{}') as ReportData;
  const select = id('partition');
  const canvas = id('canvas');
  const info = id('partition-info');
  data.partitions.forEach((part, k) => {
    const option = doc.createElement('option');
    option.setAttribute('value', String(k));
    option.textContent = `${part.key === '' ? '(all)' : part.key} — ${part.verdict === 'unknown' ? 'undecided' : part.verdict}`;
    select.appendChild(option);
  });
  const show = (): void => {
    const part = data.partitions[Number(select.value)];
    if (part === undefined) return;
    info.textContent = summary(part, data);
    const move = (start: number): void => draw(data, part, canvas, start, move);
    move(firstWindow(part));
  };
  const firstIllegal = data.partitions.findIndex((p) => p.verdict === 'illegal');
  select.value = String(Math.max(firstIllegal, 0));
  select.addEventListener('change', show);
  show();
}

start();
