/**
 * Draws the run on a canvas, only what falls in the view's time window: the
 * time axis, the scenario log band (a property run's fault schedule), one
 * lane per node (role/term band and log/commit/applied/snapshot plot for
 * nodes with protocol state, cut shading, calls as bars, events as marks,
 * crashes and restarts), messages as arrows from send to delivery (requests
 * blue, replies green, losses red with ×), the failure and the cursor.
 */
import { TraceKind } from '../../sim/trace.ts';
import type { Canvas2D } from './browser.ts';
import { FATE, isAnswered, ROLE, type RunReportData } from './run-data.ts';
import { firstAtOrAfter, isShown, shownMask, stateEntryAt, type RunIndex, type View } from './run-view.ts';

export const AXIS_PX = 24;
export const LOG_PX = 30;
const STATE_LANE_PX = 58;
const PLAIN_LANE_PX = 30;
const ROLE_PX = 14;
const PLOT_PX = 14;
/** Events in the window past which messages are drawn faint and batched. */
const DENSE_EVENTS = 20_000;

interface Row {
  readonly lane: number;
  readonly top: number;
  readonly height: number;
  /** Where the lane's events sit. */
  readonly lineY: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly rows: Row[];
  /** Per lane: its line's y, or NaN when the lane is hidden. */
  readonly lineY: Float64Array;
}

export function layout(d: RunReportData, index: RunIndex, v: View, width: number): Layout {
  const rows: Row[] = [];
  const lineY = new Float64Array(d.nodes.length).fill(NaN);
  let y = AXIS_PX + LOG_PX;
  for (const lane of index.order) {
    if (v.hiddenNodes.has(lane)) continue;
    const height = d.hasState[lane] ? STATE_LANE_PX : PLAIN_LANE_PX;
    const line = y + height - 11;
    rows.push({ lane, top: y, height, lineY: line });
    lineY[lane] = line;
    y += height;
  }
  return { width, height: y + 6, rows, lineY };
}

const ROLE_COLORS: Record<number, string> = {
  [ROLE.Follower]: '#d8dee4',
  [ROLE.Candidate]: '#f2cc60',
  [ROLE.Leader]: '#4ac26b',
  [ROLE.Down]: '#57606a',
};
const ROLE_LETTER: Record<number, string> = { [ROLE.Follower]: 'F', [ROLE.Candidate]: 'C', [ROLE.Leader]: 'L', [ROLE.Down]: 'down' };

const KIND_COLORS: Record<number, string> = {
  [TraceKind.Timer]: '#8c959f',
  [TraceKind.Persist]: '#8250df',
  [TraceKind.Apply]: '#1a7f37',
  [TraceKind.Fact]: '#57606a',
  [TraceKind.Note]: '#0969da',
  [TraceKind.File]: '#bf8700',
  [TraceKind.Task]: '#8c959f',
  [TraceKind.Net]: '#cf222e',
};

const COLORS = { request: '#0969da', reply: '#1a7f37', late: '#fb8500', lost: '#cf222e', cursor: '#24292f', failure: '#cf222e', match: '#bf3989' } as const;

export interface Scene {
  readonly d: RunReportData;
  readonly index: RunIndex;
  readonly v: View;
  readonly lay: Layout;
  readonly search: Uint8Array | null;
}

export function draw(ctx: Canvas2D, s: Scene): void {
  ctx.clearRect(0, 0, s.lay.width, s.lay.height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  drawLanes(ctx, s);
  drawAxis(ctx, s);
  drawLog(ctx, s);
  drawMessages(ctx, s);
  drawBands(ctx, s);
  drawEvents(ctx, s);
  drawMarks(ctx, s);
}

const xOf = (s: Scene, t: number) => ((t - s.v.t0) / (s.v.t1 - s.v.t0)) * s.lay.width;
export const timeAt = (v: View, width: number, x: number) => v.t0 + (x / width) * (v.t1 - v.t0);

/** A time step of 1, 2 or 5 × 10^k µs giving ticks about 110 px apart. */
function tickStep(spanUs: number, width: number): number {
  const raw = (spanUs / width) * 110;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= raw) ?? 10 * p;
}

export function formatUs(t: number, stepUs = 1): string {
  if (stepUs >= 1_000_000) return `${(t / 1e6).toFixed(0)}s`;
  if (stepUs >= 1000) return `${(t / 1e6).toFixed(stepUs >= 100_000 ? 1 : stepUs >= 10_000 ? 2 : 3)}s`;
  return `${(t / 1e6).toFixed(6)}s`;
}

function drawAxis(ctx: Canvas2D, s: Scene): void {
  const { v, lay } = s;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, lay.width, AXIS_PX);
  const step = tickStep(v.t1 - v.t0, lay.width);
  ctx.fillStyle = '#57606a';
  ctx.strokeStyle = '#eaeef2';
  ctx.lineWidth = 1;
  ctx.textAlign = 'left';
  for (let t = Math.ceil(v.t0 / step) * step; t <= v.t1; t += step) {
    const x = Math.round(xOf(s, t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, AXIS_PX - 6);
    ctx.lineTo(x, lay.height);
    ctx.stroke();
    ctx.fillText(formatUs(t, step), x + 3, 10);
  }
  ctx.strokeStyle = '#d0d7de';
  ctx.beginPath();
  ctx.moveTo(0, AXIS_PX - 0.5);
  ctx.lineTo(lay.width, AXIS_PX - 0.5);
  ctx.stroke();
}

/** The scenario log as ticks with labels cut to the room before the next one. */
function drawLog(ctx: Canvas2D, s: Scene): void {
  const { d, lay, v } = s;
  const y = AXIS_PX;
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(0, y, lay.width, LOG_PX);
  const t = d.log.t;
  ctx.textAlign = 'left';
  for (let k = 0; k < t.length; k++) {
    if (t[k]! > v.t1) break;
    const next = k + 1 < t.length ? xOf(s, t[k + 1]!) : lay.width;
    if (next < 0) continue;
    const x = xOf(s, t[k]!);
    ctx.fillStyle = '#bf8700';
    ctx.fillRect(x - 1, y + 3, 2, LOG_PX - 6);
    const room = next - x - 8;
    if (room > 16) {
      ctx.fillStyle = '#24292f';
      ctx.fillText(fit(ctx, d.strings[d.log.text[k]!]!, room), Math.max(x + 4, 4), y + LOG_PX / 2);
    }
  }
}

/** The text cut with "…" to fit `room` pixels. */
function fit(ctx: Canvas2D, text: string, room: number): string {
  if (ctx.measureText(text).width <= room) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : text.slice(0, lo) + '…';
}

/** Lane backgrounds and cut shading, under the messages. */
function drawLanes(ctx: Canvas2D, s: Scene): void {
  const { lay } = s;
  lay.rows.forEach((row, i) => {
    ctx.fillStyle = i % 2 === 0 ? '#ffffff' : '#fafbfc';
    ctx.fillRect(0, row.top, lay.width, row.height);
    drawCuts(ctx, s, row);
  });
}

/** Role bands, index plots and the lane lines, over the messages so that they stay readable. */
function drawBands(ctx: Canvas2D, s: Scene): void {
  const { lay } = s;
  lay.rows.forEach((row) => {
    if (s.d.hasState[row.lane]) {
      drawRoles(ctx, s, row);
      drawIndexPlot(ctx, s, row);
    }
    ctx.strokeStyle = '#afb8c1';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, row.lineY + 0.5);
    ctx.lineTo(lay.width, row.lineY + 0.5);
    ctx.stroke();
  });
}

function drawCuts(ctx: Canvas2D, s: Scene, row: Row): void {
  for (const c of s.index.cutIntervals[row.lane]!) {
    if (c.t1 < s.v.t0 || c.t0 > s.v.t1) continue;
    const x0 = xOf(s, c.t0);
    const x1 = xOf(s, c.t1);
    ctx.fillStyle = 'rgba(207, 34, 46, 0.10)';
    ctx.fillRect(x0, row.top, Math.max(x1 - x0, 1), row.height);
    ctx.fillStyle = 'rgba(207, 34, 46, 0.55)';
    ctx.fillRect(x0, row.top + row.height - 3, Math.max(x1 - x0, 1), 3);
    const left = Math.max(x0, 0);
    const room = Math.min(x1, s.lay.width) - left - 16;
    if (room > 120) {
      const text = fit(ctx, `cut: ${c.text}`, room);
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fillRect(left + 2, row.lineY - 16, ctx.measureText(text).width + 4, 13);
      ctx.fillStyle = '#a40e26';
      ctx.textAlign = 'left';
      ctx.fillText(text, left + 4, row.lineY - 9);
    }
  }
}

/** Role and term as colored segments, merged while both stay the same. */
function drawRoles(ctx: Canvas2D, s: Scene, row: Row): void {
  const st = s.d.states[row.lane]!;
  const y = row.top + 3;
  let k = Math.max(0, stateEntryAt(s.d, row.lane, s.v.t0));
  while (k < st.t.length && st.t[k]! <= s.v.t1) {
    let j = k + 1;
    while (j < st.t.length && st.role[j] === st.role[k] && st.term[j] === st.term[k]) j++;
    const x0 = Math.max(xOf(s, st.t[k]!), 0);
    const x1 = Math.min(j < st.t.length ? xOf(s, st.t[j]!) : xOf(s, s.index.endUs), s.lay.width);
    const role = st.role[k]!;
    if (role !== ROLE.Unknown && x1 > x0) {
      ctx.fillStyle = ROLE_COLORS[role]!;
      ctx.fillRect(x0, y, Math.max(x1 - x0, 1), ROLE_PX);
      const label = role === ROLE.Down ? 'down' : `${ROLE_LETTER[role]} t${st.term[k]}`;
      if (x1 - x0 > ctx.measureText(label).width + 6) {
        ctx.fillStyle = role === ROLE.Down ? '#fff' : '#24292f';
        ctx.textAlign = 'left';
        ctx.fillText(label, x0 + 3, y + ROLE_PX / 2 + 0.5);
      }
    }
    k = j;
  }
}

/** Log length (grey), commit (blue), applied (green) and snapshot (orange) indexes as step lines. */
function drawIndexPlot(ctx: Canvas2D, s: Scene, row: Row): void {
  const st = s.d.states[row.lane]!;
  const top = row.top + ROLE_PX + 5;
  let max = 1;
  for (const n of st.log) if (n > max) max = n;
  const series: [number[], string][] = [
    [st.log, '#8c959f'],
    [st.snap, '#bc4c00'],
    [st.commit, '#0969da'],
    [st.applied, '#1a7f37'],
  ];
  const first = Math.max(0, stateEntryAt(s.d, row.lane, s.v.t0));
  for (const [values, color] of series) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    let lastX = -1;
    let y = top + PLOT_PX;
    for (let k = first; k < st.t.length && st.t[k]! <= s.v.t1; k++) {
      const x = Math.max(xOf(s, st.t[k]!), 0);
      const ny = top + PLOT_PX - (values[k]! / max) * PLOT_PX;
      if (lastX < 0) ctx.moveTo(x, ny);
      else {
        ctx.lineTo(x, y);
        ctx.lineTo(x, ny);
      }
      lastX = x;
      y = ny;
    }
    if (lastX >= 0) ctx.lineTo(Math.min(xOf(s, s.index.endUs), s.lay.width), y);
    ctx.stroke();
  }
}

/** The events of the window, from `maxSpanUs` before it (arrows and bars that reach into it). */
function windowRange(s: Scene): [number, number] {
  return [firstAtOrAfter(s.d, s.v.t0 - s.index.maxSpanUs), firstAtOrAfter(s.d, s.v.t1 + 1)];
}

/**
 * Messages as arrows. Past DENSE_EVENTS events in the window every arrow of
 * a color goes into one path (no heads, no labels, faint), one stroke each.
 */
function drawMessages(ctx: Canvas2D, s: Scene): void {
  const { d, v, lay } = s;
  const e = d.events;
  const [from, to] = windowRange(s);
  const dense = to - from > DENSE_EVENTS;
  const paths: Record<string, number[]> = { [COLORS.request]: [], [COLORS.reply]: [], [COLORS.late]: [], [COLORS.lost]: [] };
  const shown = shownMask(d, v);
  ctx.lineWidth = 1;
  ctx.globalAlpha = dense ? 0.15 : 0.8;
  for (let k = from; k < to; k++) {
    const kind = e.kind[k]!;
    if ((kind !== TraceKind.Send && kind !== TraceKind.Reply) || shown[k] === 0) continue;
    const y0 = lay.lineY[e.node[k]!]!;
    if (Number.isNaN(y0)) continue;
    const target = e.link[k]!;
    if (target >= 0 && (e.kind[target] === TraceKind.Deliver || (e.kind[target] === TraceKind.Response && isAnswered(e.fate[target]!)))) {
      const y1 = lay.lineY[e.node[target]!]!;
      if (Number.isNaN(y1) || e.t[target]! < v.t0 || e.t[k]! > v.t1) continue;
      const color = kind === TraceKind.Send ? COLORS.request : e.fate[target] === FATE.Reordered ? COLORS.late : COLORS.reply;
      const [x0, x1] = [xOf(s, e.t[k]!), xOf(s, e.t[target]!)];
      if (dense) paths[color]!.push(x0, y0, x1, y1);
      else {
        arrow(ctx, x0, y0, x1, y1, color);
        label(ctx, s, k, x0, y0, x1, y1);
      }
      continue;
    }
    const peerY = e.peer[k]! >= 0 ? lay.lineY[e.peer[k]!]! : NaN;
    if (Number.isNaN(peerY) || e.t[k]! < v.t0) continue;
    // lost: the request never arrived, or the reply never came back
    const x0 = xOf(s, e.t[k]!);
    const x1 = Math.min(target >= 0 ? xOf(s, e.t[target]!) : x0 + 14, x0 + 40);
    const y1 = y0 + (peerY - y0) * 0.45;
    if (dense) paths[COLORS.lost]!.push(x0, y0, x1, y1);
    else lost(ctx, x0, y0, x1, y1);
  }
  for (const [color, xy] of Object.entries(paths)) strokeSegments(ctx, color, xy);
  ctx.globalAlpha = 1;
}

/** Segments (x0, y0, x1, y1 in a row) as one path, each pixel-identical segment once. */
function strokeSegments(ctx: Canvas2D, color: string, xy: readonly number[]): void {
  if (xy.length === 0) return;
  ctx.strokeStyle = color;
  ctx.beginPath();
  const last = [NaN, NaN, NaN, NaN];
  for (let i = 0; i < xy.length; i += 4) {
    let same = true;
    for (let j = 0; j < 4; j++) {
      const px = Math.round(xy[i + j]!);
      if (px !== last[j]) same = false;
      last[j] = px;
    }
    if (same) continue;
    ctx.moveTo(xy[i]!, xy[i + 1]!);
    ctx.lineTo(xy[i + 2]!, xy[i + 3]!);
  }
  ctx.stroke();
}

function arrow(ctx: Canvas2D, x0: number, y0: number, x1: number, y1: number, color: string): void {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len < 14) return;
  const ux = (x1 - x0) / len;
  const uy = (y1 - y0) / len;
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * 7 - uy * 3, y1 - uy * 7 + ux * 3);
  ctx.lineTo(x1 - ux * 7 + uy * 3, y1 - uy * 7 - ux * 3);
  ctx.closePath();
  ctx.fill();
}

function lost(ctx: Canvas2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.strokeStyle = COLORS.lost;
  ctx.setLineDash([3, 2]);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  ctx.setLineDash([]);
  cross(ctx, x1, y1, 3, 1.5);
}

/** An × of half-width r centred on (x, y), in the current stroke colour. */
function cross(ctx: Canvas2D, x: number, y: number, r: number, width: number): void {
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** The method beside a long enough arrow. */
function label(ctx: Canvas2D, s: Scene, k: number, x0: number, y0: number, x1: number, y1: number): void {
  if (Math.abs(x1 - x0) < 70) return;
  const text = s.d.strings[s.d.events.label[k]!]!;
  ctx.fillStyle = '#57606a';
  ctx.textAlign = 'center';
  ctx.fillText(fit(ctx, text, Math.abs(x1 - x0) - 10), (x0 + x1) / 2, (y0 + y1) / 2 - 6);
}

/** Rectangles to fill, grouped by color: one fill per color for the whole window. */
class RectBatch {
  private readonly byColor = new Map<string, number[]>();
  add(color: string, x: number, y: number, w: number, h: number): void {
    let xs = this.byColor.get(color);
    if (xs === undefined) this.byColor.set(color, (xs = []));
    xs.push(x, y, w, h);
  }
  fill(ctx: Canvas2D): void {
    for (const [color, xs] of this.byColor) {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 4) ctx.rect(xs[i]!, xs[i + 1]!, xs[i + 2]!, xs[i + 3]!);
      ctx.fill();
    }
  }
}

const CALL_COLOR = 'rgba(9, 105, 218, 0.3)';
const OPEN_CALL_COLOR = 'rgba(207, 34, 46, 0.3)';

/** Calls as bars, events as marks: at most one mark per lane, kind and pixel column. */
function drawEvents(ctx: Canvas2D, s: Scene): void {
  const { d, v, lay } = s;
  const e = d.events;
  const [from, to] = windowRange(s);
  const lastPx = new Int32Array(d.nodes.length * 32).fill(-1 << 30);
  const rects = new RectBatch();
  const lifecycle: number[] = [];
  const shown = shownMask(d, v);
  for (let k = from; k < to; k++) {
    const kind = e.kind[k]!;
    if (kind === TraceKind.Return || shown[k] === 0) continue;
    const y = lay.lineY[e.node[k]!]!;
    if (Number.isNaN(y) || (kind !== TraceKind.Call && e.t[k]! < v.t0)) continue;
    if (kind === TraceKind.Crash || kind === TraceKind.Exit || kind === TraceKind.Start) {
      lifecycle.push(k);
      continue;
    }
    const x = Math.round(xOf(s, e.t[k]!));
    const slot = e.node[k]! * 32 + kind;
    if (lastPx[slot] === x) continue;
    lastPx[slot] = x;
    if (kind === TraceKind.Call) addCall(rects, s, k, y);
    else if (kind === TraceKind.Send || kind === TraceKind.Deliver) rects.add(COLORS.request, x - 1, y - 2, 2, 4);
    else if (kind === TraceKind.Reply || kind === TraceKind.Response) rects.add(COLORS.reply, x - 1, y - 2, 2, 4);
    else rects.add(KIND_COLORS[kind] ?? '#57606a', x - 1, y - 7, 2, 5);
  }
  rects.fill(ctx);
  for (const k of lifecycle) lifecycleMark(ctx, e.kind[k]!, xOf(s, e.t[k]!), lay.lineY[e.node[k]!]!);
}

function addCall(rects: RectBatch, s: Scene, k: number, y: number): void {
  const e = s.d.events;
  const ret = s.index.callPair[k]!;
  const t1 = ret >= 0 ? e.t[ret]! : s.index.endUs;
  if (t1 < s.v.t0 || e.t[k]! > s.v.t1) return;
  const x0 = xOf(s, e.t[k]!);
  rects.add(ret >= 0 ? CALL_COLOR : OPEN_CALL_COLOR, x0, y + 3, Math.max(xOf(s, t1) - x0, 1), 5);
}

/** A crash or exit (×) or a start (▲) on the lane. */
function lifecycleMark(ctx: Canvas2D, kind: number, x: number, y: number): void {
  if (kind === TraceKind.Start) {
    ctx.fillStyle = '#1a7f37';
    ctx.beginPath();
    ctx.moveTo(x - 5, y + 6);
    ctx.lineTo(x + 5, y + 6);
    ctx.lineTo(x, y - 6);
    ctx.closePath();
    ctx.fill();
    return;
  }
  ctx.strokeStyle = kind === TraceKind.Crash ? '#cf222e' : '#24292f';
  cross(ctx, x, y, 6, 2.5);
}

/** The failure, the search matches and the cursor, over everything. */
function drawMarks(ctx: Canvas2D, s: Scene): void {
  const { d, v, lay, search } = s;
  const e = d.events;
  if (search !== null) {
    const [from, to] = [firstAtOrAfter(d, v.t0), firstAtOrAfter(d, v.t1 + 1)];
    ctx.strokeStyle = COLORS.match;
    ctx.lineWidth = 2;
    for (let k = from; k < to; k++) {
      const y = lay.lineY[e.node[k]!]!;
      if (search[k] !== 1 || Number.isNaN(y) || !isShown(d, v, k)) continue;
      ctx.beginPath();
      ctx.arc(xOf(s, e.t[k]!), y, 5, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.lineWidth = 1;
  }
  if (d.failEvent >= 0) {
    const x = xOf(s, e.t[d.failEvent]!);
    ctx.strokeStyle = COLORS.failure;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 3]);
    vertical(ctx, x, AXIS_PX, lay.height);
    ctx.setLineDash([]);
    const y = lay.lineY[e.node[d.failEvent]!]!;
    if (!Number.isNaN(y)) {
      ctx.beginPath();
      ctx.arc(x, y, 7, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.fillStyle = COLORS.failure;
    ctx.textAlign = 'left';
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.fillText(`✗ ${d.failure?.kind ?? 'failure'}`, x + 4, AXIS_PX - 8);
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
  }
  ctx.strokeStyle = COLORS.cursor;
  ctx.lineWidth = 1;
  vertical(ctx, xOf(s, v.cursor), AXIS_PX, lay.height);
  if (v.cursorEvent >= 0) {
    const y = lay.lineY[e.node[v.cursorEvent]!]!;
    if (!Number.isNaN(y)) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = COLORS.cursor;
      ctx.strokeRect(xOf(s, e.t[v.cursorEvent]!) - 5, y - 5, 10, 10);
      ctx.lineWidth = 1;
    }
  }
}

function vertical(ctx: Canvas2D, x: number, y0: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(Math.round(x) + 0.5, y0);
  ctx.lineTo(Math.round(x) + 0.5, y1);
  ctx.stroke();
}

/** The event nearest to (x, y) within a few pixels on the row there, or -1. */
export function eventAt(s: Scene, x: number, y: number): number {
  const row = s.lay.rows.find((r) => y >= r.top && y < r.top + r.height);
  if (row === undefined) return -1;
  const { d, v } = s;
  const slack = ((v.t1 - v.t0) / s.lay.width) * 4;
  const t = timeAt(v, s.lay.width, x);
  let best = -1;
  let bestDt = Infinity;
  for (let k = firstAtOrAfter(d, t - slack); k < d.events.t.length && d.events.t[k]! <= t + slack; k++) {
    if (d.events.node[k] !== row.lane || !isShown(d, v, k)) continue;
    const dt = Math.abs(d.events.t[k]! - t);
    if (dt < bestDt) {
      bestDt = dt;
      best = k;
    }
  }
  return best;
}
