/**
 * A rehearsal's report as one self-contained HTML file (the CLI's --html):
 * the scorecard, the counts, quantiles over the run and histograms, drawn as
 * inline SVG (svg.ts) with inline CSS. Nothing is fetched when it opens.
 */
import type { RehearsalReport } from './report.js';
import type { RoleTally } from './sql/samples.js';
import { escapeHtml as e, histogramChart, lineChart } from './svg.js';

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 760px; color: #1d2433; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #dde2ea; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #11734b; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
.verdict { font-size: 1.2rem; } .muted { color: #5c6779; }
svg.chart { width: 100%; height: auto; margin: .5rem 0 1rem; }
svg .title { font-weight: 600; font-size: 13px; } svg .tick, svg .label { font-size: 11px; fill: #5c6779; }
svg .grid { stroke: #eef1f5; } svg .threshold { stroke: #b3261e; stroke-dasharray: 4 3; }
`;

const verdict = (pass: boolean) => `<span class="${pass ? 'pass' : 'fail'}">${pass ? 'PASS' : 'FAIL'}</span>`;
const num = (n: number) => n.toLocaleString('en-US');

function countsRow(label: string, t: RoleTally): string {
  const cells = [t.instructions, t.settled, t.rejected, t.timedOut, t.pending].map((n) => `<td class="num">${num(n)}</td>`).join('');
  return `<tr><th>${label}</th>${cells}</tr>`;
}

export function renderHtmlReport(report: RehearsalReport): string {
  const r = report.rehearsal;
  const criteria = r.criteria
    .map((c) => `<tr data-criterion><td>${e(c.name)}</td><td>${e(c.target)}</td><td>${e(c.measured)}</td><td>${verdict(c.pass)}</td></tr>`)
    .join('');
  const at = (atS: number) => atS + report.bucketSeconds / 2;
  const consumption = lineChart(
    `Consumption, p99 per ${report.bucketSeconds} s`,
    [
      { name: 'as receiver (pacs.008)', color: '#2f6fdf', points: report.series.map((p) => [at(p.atS), p.receiverConsumptionP99Ms]) },
      { name: 'as payer (its reports)', color: '#d9822b', points: report.series.map((p) => [at(p.atS), p.payerConsumptionP99Ms]) },
    ],
    [{ y: 200, label: '200 ms' }],
    's since the start',
    'ms',
  );
  const answers = lineChart(
    `P's answer as receiver, per ${report.bucketSeconds} s`,
    [
      { name: 'p50', color: '#2f6fdf', points: report.series.map((p) => [at(p.atS), p.answerP50Ms]) },
      { name: 'p95', color: '#7b3fbf', points: report.series.map((p) => [at(p.atS), p.answerP95Ms]) },
    ],
    [
      { y: 1400, label: '1.4 s' },
      { y: 2300, label: '2.3 s' },
    ],
    's since the start',
    'ms',
  );
  const h = report.histograms;
  const missing = (n: number) => (n > 0 ? `<p class="muted">${num(n)} with nothing to measure (never fetched or never answered) are not drawn.</p>` : '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Capacity rehearsal ${e(r.ispb)}: ${r.pass ? 'PASS' : 'FAIL'}</title><style>${CSS}</style></head>
<body>
<h1>Capacity rehearsal of ${e(r.ispb)}</h1>
<p class="muted">${num(r.perMinute)} payments a minute each way for ${r.minutes} min: 99999A03 paid ${e(r.ispb)} while ${e(r.ispb)} paid 99999A04.
Started ${e(r.startedAt)}; ${e(r.state)}. Measured from pix-stream's own timestamps.</p>
<p class="verdict" id="verdict">${verdict(r.pass)}</p>
<h2>Scorecard</h2>
<table id="scorecard"><thead><tr><th>criterion</th><th>target</th><th>measured</th><th></th></tr></thead><tbody>${criteria}</tbody></table>
<h2>Instructions</h2>
<table id="counts"><thead><tr><th></th><th>sent</th><th>settled</th><th>rejected</th><th>timed out (AB03)</th><th>pending</th></tr></thead>
<tbody>${countsRow(`to ${e(r.ispb)} (as receiver)`, r.receiver)}${countsRow(`by ${e(r.ispb)} (as payer)`, r.payer)}</tbody></table>
<h2>Over the run</h2>
${consumption}
${answers}
<h2>Histograms</h2>
${histogramChart('Consumption as receiver', h.receiverConsumption.boundsMs, h.receiverConsumption.counts, [200], '#2f6fdf')}${missing(h.receiverConsumption.missing)}
${histogramChart('Consumption as payer', h.payerConsumption.boundsMs, h.payerConsumption.counts, [200], '#d9822b')}${missing(h.payerConsumption.missing)}
${histogramChart("P's answer as receiver", h.answer.boundsMs, h.answer.counts, [1400, 2300], '#7b3fbf')}${missing(h.answer.missing)}
</body></html>
`;
}
