/**
 * The HTML report of a check: one self-contained file (inline style, the
 * viewer script bundled by esbuild, the data as embedded JSON) that shows the
 * explanation as text and draws the history by client lane.
 */
import { describer, explain, statesAlong } from '../linearizability/explain.ts';
import type { AnyModel, CheckResult, Operation } from '../linearizability/types.ts';
import type { ReportData } from './data.ts';
import { embedJson, escapeHtml, escapeScript } from './page.ts';
import { viewerScript } from './viewer-build.ts';

export type { ReportData } from './data.ts';

/** Longest operation or state text kept in a report (full values can be megabytes); the rest is cut with "…". */
const TEXT_MAX = 200;
const cut = (s: string) => (s.length > TEXT_MAX ? s.slice(0, TEXT_MAX - 1) + '…' : s);

export function reportData<S, I, O>(
  model: AnyModel<S, I, O>,
  operations: readonly Operation<I, O>[],
  result: CheckResult,
  title: string,
): ReportData {
  const describe = describer(model, operations);
  const text = (i: number) => cut(describe.operation(i).replace(/^client \d+ \[[^\]]*\] /, ''));
  const state = (x: unknown) => cut(describe.state(x));
  return {
    title,
    model: model.name ?? 'model',
    verdict: result.verdict,
    initialState: state(statesAlong(model, operations, [])[0]),
    operations: operations.map((op, i) => ({
      client: op.clientId,
      call: op.call,
      return: op.return === Infinity ? null : op.return,
      text: text(i),
    })),
    partitions: result.partitions.map((p) => ({
      key: p.key,
      verdict: p.verdict,
      operations: p.operations,
      linearization: p.linearization,
      states: statesAlong(model, operations, p.linearization).slice(1).map(state),
      failing: p.failing ?? null,
      steps: p.steps,
    })),
    explanation: explain(model, operations, result),
  };
}

const PAGE_STYLE = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
`;

/** The history view's style (run reports that show a history use it too). */
export const HISTORY_STYLE = `
.verdict-ok { color: #1a7f37; } .verdict-illegal { color: #cf222e; } .verdict-unknown { color: #9a6700; }
.history-canvas { display: flex; flex-wrap: wrap; border: 1px solid #ddd; margin-top: 8px; } .history-canvas .scroller { overflow-x: auto; flex: 1; }
.history-nav { flex-basis: 100%; padding: 4px 8px; border-bottom: 1px solid #eee; font-size: 12px; color: #555; }
.lane { font-size: 12px; fill: #555; } .sep { stroke: #eee; }
.op { stroke: #888; } .op.placed { fill: #cfe8d5; } .op.unplaced { fill: #eee; } .op.failing { fill: #f6c1c1; stroke: #cf222e; stroke-width: 2; }
.op.open { stroke-dasharray: 4 2; }
.optext { font-size: 10px; pointer-events: none; } .failmark { font-size: 11px; fill: #cf222e; font-weight: 600; }
.lin { fill: none; stroke: #0969da; stroke-width: 1.5; } .pt { fill: #0969da; } .ptnum { fill: #fff; font-size: 9px; text-anchor: middle; pointer-events: none; }
`;

/** The report as one HTML document. */
export function renderReport(data: ReportData): string {
  const script = viewerScript('history');
  const verdictText = data.verdict === 'unknown' ? 'unknown (undecided — not a pass)' : data.verdict;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(data.title)} — ${data.verdict}</title>
<style>${PAGE_STYLE}${HISTORY_STYLE}</style></head>
<body>
<h1>${escapeHtml(data.title)}: <span class="verdict-${data.verdict}">${verdictText}</span></h1>
<p>model ${escapeHtml(data.model)} · ${data.operations.length} operations · ${data.partitions.length} partition${data.partitions.length === 1 ? '' : 's'} ·
partition <select id="partition"></select> <span id="partition-info"></span></p>
<div id="canvas" class="history-canvas"></div>
<h2>Explanation</h2>
<pre id="explanation">${escapeHtml(data.explanation)}</pre>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${escapeScript(script)}</script>
</body></html>
`;
}

/** Checks nothing itself: renders the report of `result` for `operations`. */
export function htmlReport<S, I, O>(
  model: AnyModel<S, I, O>,
  operations: readonly Operation<I, O>[],
  result: CheckResult,
  title: string,
): string {
  return renderReport(reportData(model, operations, result, title));
}
