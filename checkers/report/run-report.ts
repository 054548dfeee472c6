/**
 * The HTML report of a run: one self-contained file (inline style, the run
 * viewer bundled by esbuild, the run's data as embedded JSON) that opens from
 * disk with no server and no network.
 */
import type { ReportData } from './data.ts';
import { embedJson, escapeHtml, escapeScript } from './page.ts';
import { HISTORY_STYLE } from './report.ts';
import { packEvents, type RunReportData } from './run-data.ts';
import { viewerScript } from './viewer-build.ts';

const STYLE = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 12px 16px; color: #24292f; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 12px 0 4px; }
.pass { color: #1a7f37; } .fail { color: #cf222e; }
#failure { color: #cf222e; font-weight: 600; margin: 4px 0; white-space: pre-wrap; }
#meta { color: #57606a; margin: 2px 0 6px; } code { background: #f6f8fa; padding: 1px 4px; border-radius: 3px; }
#controls { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0; }
#controls button { font: inherit; padding: 2px 8px; }
details.filters { margin: 2px 0; } details.filters summary { cursor: pointer; color: #0969da; }
.boxes { display: flex; flex-wrap: wrap; gap: 2px 10px; padding: 4px 0; } .boxes label { white-space: nowrap; }
#view { position: relative; display: flex; border: 1px solid #d0d7de; }
#gutter { position: relative; width: 96px; flex: none; border-right: 1px solid #d0d7de; background: #f6f8fa; }
.lane-name { position: absolute; left: 0; right: 0; padding: 0 6px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lane-name.band { font-weight: 400; color: #9a6700; }
#canvas { display: block; cursor: crosshair; }
#legend { color: #57606a; font-size: 12px; margin: 4px 0; }
.sw { display: inline-block; width: 14px; height: 8px; vertical-align: middle; margin: 0 3px 0 8px; }
#tip { position: fixed; display: none; max-width: 560px; background: #24292f; color: #fff; padding: 4px 6px; border-radius: 4px; font-size: 12px; pointer-events: none; z-index: 2; }
#cursor-panel { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
table { border-collapse: collapse; font-size: 12px; } th, td { border-bottom: 1px solid #eaeef2; padding: 2px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.cut { color: #a40e26; }
tr.role-leader td.role { color: #1a7f37; font-weight: 600; } tr.role-candidate td.role { color: #9a6700; } tr.role-down td.role { color: #cf222e; }
#recent { font: 12px/1.5 ui-monospace, monospace; margin: 0; padding-left: 0; list-style: none; max-width: 760px; }
#recent li { white-space: pre; overflow: hidden; text-overflow: ellipsis; } #recent li.at-cursor { background: #fff8c5; } #recent li.failing { color: #cf222e; font-weight: 600; }
pre#log { background: #f6f8fa; padding: 8px; max-height: 240px; overflow: auto; }
`;

const RAFT_LEGEND = [
  ['#4ac26b', 'leader'],
  ['#f2cc60', 'candidate'],
  ['#d8dee4', 'follower'],
  ['#57606a', 'down'],
  ['#0969da', 'request / commit index'],
  ['#1a7f37', 'reply / applied index'],
  ['#8c959f', 'log length'],
  ['#bc4c00', 'snapshot index'],
];
const MESSAGE_LEGEND = [
  ['#0969da', 'request'],
  ['#1a7f37', 'reply'],
];
const COMMON_LEGEND = [
  ['#fb8500', 'late (reordered) reply'],
  ['rgba(207,34,46,0.35)', 'cut link (×: message lost)'],
  ['rgba(9,105,218,0.3)', 'call → return'],
];

/** The colors in use: the Raft bands' only when some lane has protocol state. */
function legend(d: RunReportData): string {
  const items = [...(d.hasState.some((x) => x) ? RAFT_LEGEND : MESSAGE_LEGEND), ...COMMON_LEGEND];
  return items.map(([color, what]) => `<span class="sw" style="background:${color}"></span>${what}`).join('');
}

function header(d: RunReportData): string {
  const verdict = d.passed ? '<span class="pass">PASS</span>' : '<span class="fail">FAIL</span>';
  const failure = d.failure ? `<p id="failure">${escapeHtml(`${d.failure.kind}: ${d.failure.message}`)}</p>` : '';
  return `<h1>${verdict} ${escapeHtml(d.title)}</h1>
${failure}<p id="meta">seed ${d.seed} · virtual ${(d.virtualUs / 1e6).toFixed(3)}s · ${d.events.t.length} events · ${d.nodes.length} lanes · trace ${escapeHtml(d.traceHash)}<br>
replay: <code id="replay">${escapeHtml(d.replay)}</code></p>`;
}

const CONTROLS = `<div id="controls">
<span><button id="zoom-in" title="zoom in (+)">+</button> <button id="zoom-out" title="zoom out (−)">−</button> <button id="fit">whole run</button> <button id="to-failure">failure</button></span>
<span>step <select id="step-node"></select> <button id="prev" title="previous event (←)">◀ prev</button> <button id="next" title="next event (→)">next ▶</button></span>
<span><input id="search" type="search" placeholder="search events" size="24"> <span id="search-info"></span></span>
</div>
<details class="filters"><summary>filters: nodes, event kinds, methods</summary>
<div>nodes <span class="boxes" id="filter-nodes"></span></div>
<div>kinds <span class="boxes" id="filter-kinds"></span></div>
<div>methods <span class="boxes" id="filter-methods"></span></div>
</details>`;

const CURSOR = `<div id="cursor-panel">
<div><h2>State at <span id="cursor-time"></span></h2>
<table><thead id="states-head"></thead><tbody id="states"></tbody></table></div>
<div><h2>Events up to the cursor</h2><ol id="recent"></ol></div>
</div>`;

/** The client history the scenario checked, drawn by the history viewer (its ids prefixed "history-"). */
function historySection(h: ReportData): string {
  const verdict = h.verdict === 'unknown' ? 'unknown (undecided — not a pass)' : h.verdict;
  const parts = h.partitions.length;
  return `<h2 id="history">Client history: <span class="verdict-${h.verdict}">${escapeHtml(verdict)}</span></h2>
<p>model ${escapeHtml(h.model)} · ${h.operations.length} operations · ${parts} partition${parts === 1 ? '' : 's'} ·
partition <select id="history-partition"></select> <span id="history-partition-info"></span></p>
<div id="history-canvas" class="history-canvas"></div>
<details><summary>explanation</summary><pre>${escapeHtml(h.explanation)}</pre></details>
<script type="application/json" id="history-report-data">${embedJson(h)}</script>
<script>${escapeScript(viewerScript('history'))}</script>`;
}

/** The report as one HTML document. */
export function renderRunReport(d: RunReportData): string {
  const script = viewerScript('run');
  const log = d.log.t.map((t, k) => `${(t / 1e6).toFixed(3)}s ${d.strings[d.log.text[k]!]}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(d.title)} — ${d.passed ? 'pass' : 'FAIL'}</title>
<style>${STYLE}${d.history ? HISTORY_STYLE : ''}</style></head>
<body>
${header(d)}
${CONTROLS}
<div id="legend">${legend(d)} · click: cursor · drag: pan · wheel: zoom</div>
<div id="view"><div id="gutter"></div><canvas id="canvas"></canvas></div>
<div id="tip"></div>
${CURSOR}
${d.history ? historySection(d.history) : ''}
<details><summary>scenario log (${d.log.t.length} line${d.log.t.length === 1 ? '' : 's'})</summary><pre id="log">${escapeHtml(log)}</pre></details>
<script type="application/json" id="report-data">${embedJson({ ...d, events: packEvents(d.events), history: null })}</script>
<script>${escapeScript(script)}</script>
</body></html>
`;
}
