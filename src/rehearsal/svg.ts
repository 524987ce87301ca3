/**
 * The two charts a rehearsal's HTML report draws, as inline SVG (no script,
 * no library: the report opens from a file, offline, years later): lines over
 * time with threshold rules, and a histogram's bars.
 */
const W = 720;
const H = 260;
const PAD = { left: 64, right: 16, top: 28, bottom: 40 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A round step for about `ticks` ticks up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw) ?? raw;
}

function axes(title: string, xMax: number, yMax: number, xLabel: string, yLabel: string): string {
  const x = (v: number) => PAD.left + (v / xMax) * PLOT_W;
  const y = (v: number) => PAD.top + PLOT_H - (v / yMax) * PLOT_H;
  const parts = [`<text x="${PAD.left}" y="18" class="title">${escapeHtml(title)}</text>`];
  const yStep = niceStep(yMax, 5);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${PAD.left - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${Math.round(v)}</text>`);
  }
  const xStep = niceStep(xMax, 8);
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    parts.push(`<text x="${x(v)}" y="${H - PAD.bottom + 16}" class="tick" text-anchor="middle">${Math.round(v)}</text>`);
  }
  parts.push(`<text x="${PAD.left + PLOT_W / 2}" y="${H - 6}" class="label" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  parts.push(`<text x="14" y="${PAD.top + PLOT_H / 2}" class="label" text-anchor="middle" transform="rotate(-90 14 ${PAD.top + PLOT_H / 2})">${escapeHtml(yLabel)}</text>`);
  return parts.join('');
}

export interface Line {
  name: string;
  color: string;
  /** [x, y]; a null y breaks the line. */
  points: [number, number | null][];
}

export function lineChart(title: string, lines: Line[], thresholds: { y: number; label: string }[], xLabel: string, yLabel: string): string {
  const xs = lines.flatMap((l) => l.points.map(([x]) => x));
  const ys = [...lines.flatMap((l) => l.points.map(([, y]) => y ?? 0)), ...thresholds.map((t) => t.y)];
  const xMax = Math.max(1, ...xs);
  const yMax = Math.max(1, ...ys) * 1.1;
  const x = (v: number) => PAD.left + (v / xMax) * PLOT_W;
  const y = (v: number) => PAD.top + PLOT_H - (Math.min(v, yMax) / yMax) * PLOT_H;
  const paths = lines.map((line) => {
    let d = '';
    let pen = false;
    for (const [px, py] of line.points) {
      if (py === null) pen = false;
      else {
        d += `${pen ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`;
        pen = true;
      }
    }
    return `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="2" data-series="${escapeHtml(line.name)}"/>`;
  });
  const rules = thresholds.map((t) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t.y)}" y2="${y(t.y)}" class="threshold"/><text x="${W - PAD.right - 4}" y="${y(t.y) - 4}" class="tick" text-anchor="end">${escapeHtml(t.label)}</text>`);
  const legend = lines.map((l, i) => `<rect x="${PAD.left + 10 + i * 170}" y="${PAD.top + 4}" width="12" height="3" fill="${l.color}"/><text x="${PAD.left + 26 + i * 170}" y="${PAD.top + 9}" class="tick">${escapeHtml(l.name)}</text>`);
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}" class="chart">${axes(title, xMax, yMax, xLabel, yLabel)}${rules.join('')}${paths.join('')}${legend.join('')}</svg>`;
}

export function histogramChart(title: string, boundsMs: number[], counts: number[], thresholdMs: number[], color: string): string {
  const total = counts.reduce((a, b) => a + b, 0);
  const yMax = Math.max(1, ...counts) * 1.1;
  const barW = PLOT_W / counts.length;
  const bars = counts.map((n, i) => {
    const h = (n / yMax) * PLOT_H;
    const upper = i < boundsMs.length ? `≤ ${boundsMs[i]} ms` : `> ${boundsMs.at(-1)} ms`;
    return `<rect x="${(PAD.left + i * barW).toFixed(1)}" y="${(PAD.top + PLOT_H - h).toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${upper}: ${n}</title></rect>`;
  });
  const xMax = boundsMs.at(-1)! * (counts.length / boundsMs.length);
  const rules = thresholdMs.map((t) => {
    const px = PAD.left + (t / xMax) * PLOT_W;
    return `<line x1="${px}" x2="${px}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}" class="threshold"/><text x="${px + 4}" y="${PAD.top + 12}" class="tick">${t} ms</text>`;
  });
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}" class="chart" data-total="${total}">${axes(title, xMax, yMax, 'ms (the last bar: above the range)', 'messages')}${bars.join('')}${rules.join('')}</svg>`;
}
