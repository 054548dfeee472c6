/**
 * The run report's script (bundled into the page): reads the embedded data,
 * builds the filter controls and lane names, draws the visible window on the
 * canvas (zoom with the wheel or the buttons, pan by dragging), moves the
 * cursor on a click or a step, shows every node's state at the cursor and
 * the events just before it, and keeps the view in the URL fragment.
 */
import { traceKindName, type TraceKind } from '../../sim/trace.ts';
import { browser, type UiElement } from './browser.ts';
import { AXIS_PX, draw, eventAt, formatUs, layout, LOG_PX, timeAt, type Layout, type Scene } from './run-draw.ts';
import { unpackEvents, type RunReportData } from './run-data.ts';
import {
  buildIndex,
  cutsAt,
  decodeView,
  encodeView,
  initialView,
  isShown,
  lastShownAt,
  pan,
  searchMask,
  stateAt,
  stepEvent,
  zoom,
  type RunIndex,
  type View,
} from './run-view.ts';

const RECENT_EVENTS = 12;

/** The cursor table's columns: title, field of the row, cell class. */
type Column = readonly [string, string, string];
const STATE_COLUMNS: readonly Column[] = [
  ['node', 'node', 'node'],
  ['role', 'role', 'role'],
  ['term', 'term', 'num'],
  ['voted for', 'votedFor', ''],
  ['last index', 'lastIndex', 'num'],
  ['commit', 'commit', 'num'],
  ['applied', 'applied', 'num'],
  ['snapshot', 'snapshot', 'num'],
  ['cut links', 'cut', 'cut'],
  ['log tail (index=term:command)', 'tail', ''],
];
const PLAIN_COLUMNS: readonly Column[] = [STATE_COLUMNS[0]!, STATE_COLUMNS[1]!, STATE_COLUMNS[8]!];
const URL_DELAY_MS = 150;
const MAX_CHECKBOXES = 400;
/** Width of one character of a lane name (bold, the page font), rounded up. */
const NAME_CHAR_PX = 8;

const win = browser();
const doc = win.document;
const byId = (id: string): UiElement => doc.getElementById(id)!;

function element(tag: string, text?: string, className?: string): UiElement {
  const el = doc.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className !== undefined) el.className = className;
  return el;
}

class Page {
  private readonly index: RunIndex;
  private readonly v: View;
  private readonly canvas = byId('canvas');
  private readonly ctx = this.canvas.getContext('2d');
  private lay: Layout;
  private search: Uint8Array | null = null;
  private pending = false;
  private dragX: number | null = null;
  private dragged = false;
  private gutterKey = '';
  /** Width of the lane names' column: room for the longest name (server-102-2, ctlr-clerk-1), within bounds. */
  private readonly gutterPx: number;
  private urlTimer: number | undefined;

  constructor(private readonly d: RunReportData) {
    this.gutterPx = Math.round(Math.min(220, Math.max(96, 14 + NAME_CHAR_PX * Math.max(0, ...d.nodes.map((n) => n.length)))));
    this.index = buildIndex(d);
    this.v = initialView(d, this.index);
    decodeView(d, this.index, win.location.hash, this.v);
    this.search = searchMask(d, this.v.query);
    this.lay = layout(d, this.index, this.v, this.width());
    this.buildFilters();
    this.bindControls();
    this.render();
  }

  private width(): number {
    return Math.max(200, byId('view').clientWidth - this.gutterPx);
  }

  /** Redraws on the next frame (several changes, one drawing). */
  private render(): void {
    if (this.pending) return;
    this.pending = true;
    win.requestAnimationFrame(() => {
      this.pending = false;
      this.paint();
    });
  }

  private paint(): void {
    const lay = (this.lay = layout(this.d, this.index, this.v, this.width()));
    const ratio = win.devicePixelRatio || 1;
    const [w, h] = [Math.round(lay.width * ratio), Math.round(lay.height * ratio)];
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.canvas.style.cssText = `width:${lay.width}px;height:${lay.height}px`;
    }
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const scene: Scene = { d: this.d, index: this.index, v: this.v, lay, search: this.search };
    draw(this.ctx, scene);
    this.canvas.setAttribute('data-t0', String(Math.round(this.v.t0)));
    this.canvas.setAttribute('data-t1', String(Math.round(this.v.t1)));
    this.drawGutter(lay);
    this.showCursor();
    this.keepInUrl();
    byId('view').setAttribute('data-ready', '1');
  }

  /** Writes the view to the URL fragment once it has stopped changing for a moment (browsers throttle replaceState). */
  private keepInUrl(): void {
    if (this.urlTimer !== undefined) win.clearTimeout(this.urlTimer);
    this.urlTimer = win.setTimeout(() => {
      this.urlTimer = undefined;
      win.history.replaceState(null, '', `#${encodeView(this.d, this.v)}`);
    }, URL_DELAY_MS);
  }

  /** The lane names beside the canvas, rebuilt only when the lanes shown change. */
  private drawGutter(lay: Layout): void {
    const key = lay.rows.map((row) => `${row.lane}:${row.top}`).join(' ');
    if (key === this.gutterKey) return;
    this.gutterKey = key;
    const gutter = byId('gutter');
    gutter.style.cssText = `width:${this.gutterPx}px;height:${lay.height}px`;
    const names = lay.rows.map((row) => {
      const name = element('div', this.d.nodes[row.lane], 'lane-name');
      name.setAttribute('data-lane', this.d.nodes[row.lane]!);
      name.style.cssText = `top:${row.top}px;height:${row.height}px;line-height:${row.height}px`;
      return name;
    });
    const log = element('div', 'log', 'lane-name band');
    log.style.cssText = `top:${AXIS_PX}px;height:${LOG_PX}px;line-height:${LOG_PX}px`;
    gutter.replaceChildren(log, ...names);
  }

  private showCursor(): void {
    const { d, v } = this;
    byId('cursor-time').textContent = formatUs(v.cursor);
    const rows = this.index.order.filter((lane) => !v.hiddenNodes.has(lane)).map((lane) => stateAt(d, lane, v.cursor));
    const columns = d.hasState.some((x) => x) ? STATE_COLUMNS : PLAIN_COLUMNS;
    const head = element('tr');
    head.replaceChildren(...columns.map(([title]) => element('th', title)));
    byId('states-head').replaceChildren(head);
    byId('states').replaceChildren(
      ...rows.map((r) => {
        const tr = element('tr', undefined, `role-${r.role}`);
        tr.setAttribute('data-node', r.node);
        const cells: Record<string, string | number | null> = { ...r, cut: cutsAt(this.index, d.nodes.indexOf(r.node), v.cursor) };
        tr.replaceChildren(...columns.map(([, key, kind]) => element('td', cells[key] === null ? '' : String(cells[key]), kind)));
        return tr;
      }),
    );
    const recent: UiElement[] = [];
    let k = v.cursorEvent >= 0 ? v.cursorEvent : lastShownAt(d, v, v.cursor);
    while (k >= 0 && recent.length < RECENT_EVENTS) {
      recent.push(this.eventLine(k));
      k = stepEvent(d, v, k, -1, -1);
    }
    byId('recent').replaceChildren(...recent.reverse());
  }

  private eventLine(k: number): UiElement {
    const e = this.d.events;
    const classes = [k === this.v.cursorEvent ? 'at-cursor' : '', k === this.d.failEvent ? 'failing' : ''].join(' ').trim();
    const li = element('li', `${formatUs(e.t[k]!)}  ${this.d.nodes[e.node[k]!]}  ${this.d.strings[e.text[k]!]}`, classes);
    li.setAttribute('data-event', String(k));
    return li;
  }

  private moveCursor(k: number): void {
    if (k < 0) return;
    this.v.cursorEvent = k;
    this.v.cursor = this.d.events.t[k]!;
    const span = this.v.t1 - this.v.t0;
    if (this.v.cursor < this.v.t0 || this.v.cursor > this.v.t1) pan(this.v, this.index, this.v.cursor - (this.v.t0 + span / 2));
    this.render();
  }

  private buildFilters(): void {
    const { d, v, index } = this;
    this.checkboxes('filter-nodes', index.order.map((lane) => [lane, d.nodes[lane]!]), v.hiddenNodes);
    this.checkboxes('filter-kinds', index.kinds.map((k) => [k, traceKindName(k as TraceKind)]), v.hiddenKinds);
    this.checkboxes('filter-methods', index.methods.map((m) => [m, d.strings[m]!]), v.hiddenMethods);
    const step = byId('step-node');
    // As many nodes as checkboxes: a select of 100,000 clerks takes seconds to lay out and is no use to pick from.
    const more = index.order.length - MAX_CHECKBOXES;
    const rest = element('option', `… and ${more} more`);
    rest.setAttribute('disabled', '');
    step.replaceChildren(element('option', 'any node'), ...index.order.slice(0, MAX_CHECKBOXES).map((lane) => element('option', d.nodes[lane])), ...(more > 0 ? [rest] : []));
    byId('search').value = v.query;
  }

  /** One checkbox per item (the first MAX_CHECKBOXES; a note counts the rest). */
  private checkboxes(id: string, items: [number, string][], hidden: Set<number>): void {
    const rest = items.length - MAX_CHECKBOXES;
    byId(id).replaceChildren(
      ...items.slice(0, MAX_CHECKBOXES).map(([value, name]) => {
        const box = element('input');
        box.setAttribute('type', 'checkbox');
        box.setAttribute('data-name', name);
        box.checked = !hidden.has(value);
        box.addEventListener('change', () => {
          if (box.checked) hidden.delete(value);
          else hidden.add(value);
          if (this.v.cursorEvent >= 0 && !isShown(this.d, this.v, this.v.cursorEvent)) this.v.cursorEvent = lastShownAt(this.d, this.v, this.v.cursor);
          this.render();
        });
        const labelEl = element('label');
        labelEl.replaceChildren(box, element('span', name));
        return labelEl;
      }),
      ...(rest > 0 ? [element('span', `… and ${rest} more (name them in the link: #only=a,b or #hide=a,b)`)] : []),
    );
  }

  private bindControls(): void {
    const { v, index } = this;
    byId('zoom-in').addEventListener('click', () => this.zoomAtCursor(0.5));
    byId('zoom-out').addEventListener('click', () => this.zoomAtCursor(2));
    byId('fit').addEventListener('click', () => {
      v.t0 = 0;
      v.t1 = index.endUs;
      this.render();
    });
    byId('to-failure').addEventListener('click', () => this.moveCursor(this.d.failEvent));
    byId('prev').addEventListener('click', () => this.step(-1));
    byId('next').addEventListener('click', () => this.step(1));
    byId('search').addEventListener('input', () => {
      v.query = byId('search').value;
      this.search = searchMask(this.d, v.query);
      this.showMatchCount();
      this.render();
    });
    byId('search').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.nextMatch();
    });
    this.showMatchCount();
    this.bindCanvas();
    doc.addEventListener('keydown', (e) => {
      if ((e.target as { tagName?: string }).tagName === 'INPUT') return;
      if (e.key === 'ArrowRight') this.step(1);
      else if (e.key === 'ArrowLeft') this.step(-1);
      else if (e.key === '+' || e.key === '=') this.zoomAtCursor(0.5);
      else if (e.key === '-') this.zoomAtCursor(2);
    });
    win.addEventListener('resize', () => this.render());
  }

  /** Zooms around the cursor when it is in view, else around the middle. */
  private zoomAtCursor(factor: number): void {
    const v = this.v;
    zoom(v, this.index, factor, v.cursor >= v.t0 && v.cursor <= v.t1 ? v.cursor : (v.t0 + v.t1) / 2);
    this.render();
  }

  private bindCanvas(): void {
    const { v, index, canvas } = this;
    const localX = (clientX: number) => clientX - canvas.getBoundingClientRect().left;
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        zoom(v, index, Math.pow(1.0015, e.deltaY), timeAt(v, this.lay.width, localX(e.clientX)));
        this.render();
      },
      { passive: false },
    );
    canvas.addEventListener('mousedown', (e) => {
      this.dragX = e.clientX;
      this.dragged = false;
    });
    canvas.addEventListener('mousemove', (e) => {
      if (this.dragX !== null && e.buttons === 1) {
        const dx = e.clientX - this.dragX;
        if (Math.abs(dx) > 2) this.dragged = true;
        if (this.dragged) {
          pan(v, index, (-dx / this.lay.width) * (v.t1 - v.t0));
          this.dragX = e.clientX;
          this.render();
        }
        return;
      }
      this.hover(localX(e.clientX), e.clientY - canvas.getBoundingClientRect().top, e);
    });
    canvas.addEventListener('mouseup', (e) => {
      this.dragX = null;
      if (!this.dragged) this.click(localX(e.clientX), e.clientY - canvas.getBoundingClientRect().top);
    });
    canvas.addEventListener('mouseleave', () => {
      this.dragX = null;
      byId('tip').style.cssText = 'display:none';
    });
  }

  private scene(): Scene {
    return { d: this.d, index: this.index, v: this.v, lay: this.lay, search: this.search };
  }

  private click(x: number, y: number): void {
    const hit = eventAt(this.scene(), x, y);
    const t = timeAt(this.v, this.lay.width, x);
    this.v.cursor = hit >= 0 ? this.d.events.t[hit]! : t;
    this.v.cursorEvent = hit >= 0 ? hit : lastShownAt(this.d, this.v, t);
    this.render();
  }

  private hover(x: number, y: number, e: { clientX: number; clientY: number }): void {
    const tip = byId('tip');
    const k = eventAt(this.scene(), x, y);
    if (k < 0) {
      tip.style.cssText = 'display:none';
      return;
    }
    const ev = this.d.events;
    tip.textContent = `${formatUs(ev.t[k]!)} ${this.d.nodes[ev.node[k]!]}: ${this.d.strings[ev.text[k]!]}`;
    tip.style.cssText = `display:block;left:${e.clientX + 12}px;top:${e.clientY + 12}px`;
  }

  private step(dir: 1 | -1): void {
    const choice = (byId('step-node').value ?? '').trim();
    const lane = this.d.nodes.indexOf(choice);
    const from = this.v.cursorEvent >= 0 ? this.v.cursorEvent : lastShownAt(this.d, this.v, this.v.cursor);
    this.moveCursor(stepEvent(this.d, this.v, from, lane, dir));
  }

  private nextMatch(): void {
    if (this.search === null) return;
    const n = this.search.length;
    for (let j = 1; j <= n; j++) {
      const k = (Math.max(this.v.cursorEvent, -1) + j) % n;
      if (this.search[k] === 1 && isShown(this.d, this.v, k)) return this.moveCursor(k);
    }
  }

  private showMatchCount(): void {
    let count = 0;
    if (this.search !== null) for (const m of this.search) count += m;
    byId('search-info').textContent = this.search === null ? '' : `${count} match${count === 1 ? '' : 'es'} (Enter: next)`;
  }
}

function start(): void {
  const packed = JSON.parse(byId('report-data').textContent ?? '{}') as RunReportData;
  new Page({ ...packed, events: unpackEvents(packed.events) });
}

start();
