/**
 * deploy/: the Prometheus config and alert rules pass promtool (syntax, and the
 * rules' own unit tests in alerts.test.yml), and every metric that the Grafana
 * dashboard and the alert rules query is one the running API exports, so a
 * renamed or misspelt metric fails here instead of drawing an empty panel or
 * an alert that can never fire.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { drain, get } from '../support/collector';
import { randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';
import { systemTool } from '../support/system-tool';
import { Bank } from '../support/spi-bank';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

// --- promtool -------------------------------------------------------------------

const PROMTOOL = systemTool('promtool', 'prometheus');

/** Runs promtool from the repository root. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL.path!, args, { cwd: root, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

PROMTOOL.describe('promtool', () => {
  // The output is part of the compared value, so a failure shows what promtool said.
  it.each([
    ['check config', 'deploy/prometheus/prometheus.yml'],
    ['check rules', 'deploy/prometheus/alerts.yml'],
    ['test rules', 'deploy/prometheus/alerts.test.yml'],
  ])('%s %s', (command, file) => {
    const { status, output } = promtool(...command.split(' '), file);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

// --- metric names in PromQL --------------------------------------------------------

// Words that are PromQL syntax, not series: binary operators, modifiers, and
// the grouping keywords (whose label lists are skipped with them).
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set([...GROUPING, 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Skipped: string literals
 * (label values), `{...}` matchers (label names), `[...]` ranges and
 * subqueries, numbers and durations, Grafana variables ($__rate_interval),
 * keywords, grouping label lists, and any word followed by `(` or by
 * `by (`/`without (` (functions and aggregations). What is left are metric names.
 */
function metricNames(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  /** Index just past the bracket that closes the one at `start`, stepping over string literals. */
  const closing = (start: number, open: string, close: string): number => {
    let depth = 0;
    for (let j = start; j < expr.length; j++) {
      const c = expr[j];
      if (c === '"' || c === "'" || c === '`') j = endOfString(j) - 1;
      else if (c === open) depth++;
      else if (c === close && --depth === 0) return j + 1;
    }
    throw new Error(`unbalanced ${open} at ${start} in: ${expr}`);
  };
  const endOfString = (start: number): number => {
    const quote = expr[start];
    for (let j = start + 1; j < expr.length; j++) {
      if (expr[j] === '\\' && quote !== '`') j++;
      else if (expr[j] === quote) return j + 1;
    }
    throw new Error(`unterminated string at ${start} in: ${expr}`);
  };
  const nextNonSpace = (from: number) => {
    while (from < expr.length && /\s/.test(expr[from])) from++;
    return from;
  };

  while (i < expr.length) {
    const c = expr[i];
    const rest = expr.slice(i);
    if (c === '"' || c === "'" || c === '`') i = endOfString(i);
    else if (c === '{') i = closing(i, '{', '}');
    else if (c === '[') i = closing(i, '[', ']');
    else if (c === '#') i = expr.indexOf('\n', i) < 0 ? expr.length : expr.indexOf('\n', i); // a comment
    else if (c === '$') i += /^\$\{?\w+\}?/.exec(rest)?.[0].length ?? 1;
    else if (/^[0-9.]/.test(rest)) i += /^(0x[0-9a-f]+|[0-9.]+(e[+-]?[0-9]+)?[a-z0-9]*)/i.exec(rest)![0].length; // 0.99, 1e3, 10m, 1h30m
    else if (/^[a-zA-Z_:]/.test(rest)) {
      const word = /^[a-zA-Z_:][\w:]*/.exec(rest)![0];
      i += word.length;
      const after = nextNonSpace(i);
      if (expr[after] === '(') {
        if (GROUPING.has(word.toLowerCase())) i = closing(after, '(', ')'); // by (le, route): label names
        // otherwise a function or aggregation: its arguments are read on
      } else if (/^(by|without)\s*\(/i.test(expr.slice(after))) {
        // `sum by (le) (...)`: an aggregation whose grouping comes first
      } else if (!KEYWORDS.has(word.toLowerCase())) {
        names.add(word);
      }
    } else i++;
  }
  return [...names];
}

describe('metricNames', () => {
  it.each([
    ['up{job="pix-stream"} == 0', ['up']],
    [
      'histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{route!="/x{", status=~"5.."}[$__rate_interval])))',
      ['a_seconds_bucket'],
    ],
    ['max(deriv(pending[10m])) > 0 and max(pending) > 1000', ['pending']],
    ['sum(rate(refused_total[5m] offset 1h)) * 60 > 1 / 60', ['refused_total']],
    ['sum without (instance) (rate(a_total[10m:1m])) / on (job) group_left b_info', ['a_total', 'b_info']],
    ["sum by(how)(rate(ended_total{how='closed'}[1h30m])) > bool c", ['ended_total', 'c']],
    ['max(pix_stream_pending_messages) # the backlog', ['pix_stream_pending_messages']],
  ])('%s', (expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });
});

// --- what deploy/ queries against what the API exports -----------------------------

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const alertRules = (parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(read('deploy/grafana/dashboards/pix-stream.json'));

/** Every `expr` in the dashboard (panel targets, rows' panels, variables alike). */
function dashboardExpressions(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => dashboardExpressions(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'expr' && typeof value === 'string') found.push(value);
      else dashboardExpressions(value, found);
    }
  }
  return found;
}

// Series Prometheus writes itself for every target, not exported by the app.
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

describe('deploy/ queries only metrics the API exports', () => {
  let server: TestServer;
  /** Names of the samples on /metrics: histograms appear as _bucket/_sum/_count, as Prometheus stores them. */
  let exported: Set<string>;

  beforeAll(async () => {
    server = await startTestServer({ MAX_COLLECTORS_PER_ISPB: '1' });
    // Traffic, so the labelled histograms and counters have samples: generate,
    // drain (long polls with messages and one empty), close, and one 429.
    const ispb = randomIspb();
    await request(server.url).post(`/api/util/msgs/${ispb}/12`).expect(201);
    await drain(server.url, ispb, { multipart: true });
    const holder = await get(server.url, `/api/pix/${ispb}/stream/start`);
    expect((await get(server.url, `/api/pix/${ispb}/stream/start`)).status).toBe(429);
    await get(server.url, holder.pullNext!, undefined, 'DELETE');
    // And one settlement: a payment, the receiver's ACSP, for the SPI's counters and histogram.
    const [payer, receiver] = [new Bank(server.url, randomIspb()), new Bank(server.url, randomIspb())];
    const transfer = await payer.pay(receiver.ispb, 12.34);
    await receiver.inbox();
    await receiver.answer(transfer.endToEndId, 'ACSP');

    const res = await request(server.url).get('/metrics').expect(200);
    exported = new Set(
      res.text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => /^[a-zA-Z_:][\w:]*/.exec(line)![0]),
    );
  });
  afterAll(() => server?.stop());

  const sources = [
    ...alertRules.map((rule) => ({ source: `alerts.yml ${rule.alert ?? rule.record}`, expr: rule.expr })),
    ...dashboardExpressions(dashboard).map((expr) => ({ source: 'pix-stream.json', expr })),
  ];

  it('finds the expressions: every alert rule, every dashboard panel', () => {
    expect(alertRules.length).toBeGreaterThanOrEqual(5);
    expect(dashboardExpressions(dashboard).length).toBeGreaterThanOrEqual(dashboard.panels.length);
  });

  it('every metric name in every expression is a series the API exports (or Prometheus writes)', () => {
    // A bare histogram name (without _bucket/_sum/_count) is no series of a
    // classic histogram, so it is reported missing too, as it should be.
    const problems = sources.flatMap(({ source, expr }) => {
      const names = metricNames(expr);
      if (names.length === 0) return [{ source, expr, missing: ['(no metric name found)'] }];
      const missing = names.filter((name) => !exported.has(name) && !PROMETHEUS_SERIES.has(name));
      return missing.length > 0 ? [{ source, expr, missing }] : [];
    });
    expect(problems).toEqual([]);
  });
});

// --- the dashboard and the rules, as files ------------------------------------------

describe('dashboard and alert rules', () => {
  it('the dashboard has a fixed uid, a recent schema, unique panel ids, and uses the provisioned datasource', () => {
    expect(dashboard.uid).toBe('pix-stream');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const ids = dashboard.panels.map((panel: { id: number }) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const { datasources } = parseYaml(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string }[] };
    const used = new Set(
      dashboard.panels.flatMap((panel: { datasource: { uid: string }; targets: { datasource: { uid: string } }[] }) => [
        panel.datasource.uid,
        ...panel.targets.map((target) => target.datasource.uid),
      ]),
    );
    expect([...used]).toEqual([datasources[0].uid]);
  });

  it('every alert waits a `for:`, has a severity, a summary and a description', () => {
    for (const rule of alertRules) {
      expect({ alert: rule.alert, for: rule.for, severity: rule.labels?.severity }).toEqual({
        alert: expect.any(String),
        for: expect.stringMatching(/^\d+[smh]$/),
        severity: expect.stringMatching(/^(warning|critical)$/),
      });
      expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'summary']);
    }
  });
});
