/**
 * `pix-stream rehearse capacity`: starts the capacity test against the
 * participant under test (POST /api/util/rehearsals), follows it with a
 * progress line (GET every second), and at the end prints the scorecard and
 * writes the report (GET …/report) as JSON and HTML. Exit 0 only when every
 * criterion passed; Ctrl-C stops the rehearsal on the server (DELETE), scores
 * what it saw, and exits 130.
 */
import { writeFileSync } from 'node:fs';
import { renderHtmlReport } from '../../rehearsal/html-report.js';
import type { RehearsalReport } from '../../rehearsal/report.js';
import type { RehearsalView } from '../../rehearsal/service.js';
import { apiUrl } from '../args.js';
import { describeReply, pause, request } from '../http.js';
import { formatCount, LiveLine } from '../progress.js';
import type { RehearseOptions } from './args.js';

const POLL_MS = 1000;
/** Give up when the API has not answered for this long in a row. */
const OUTAGE_LIMIT_MS = 120_000;

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);

export function progressLine(v: RehearsalView): string {
  const decided = (t: RehearsalView['receiver']) => t.settled + t.rejected + t.timedOut;
  return [
    `[${clock(v.elapsedSeconds)}/${clock(v.minutes * 60)}] ${v.state}`,
    `99999A03 → ${v.ispb} ${formatCount(v.paymentsToP.sent)}/${formatCount(v.paymentsToP.total)}`,
    `${v.ispb} → 99999A04 ${formatCount(v.payer.instructions)}`,
    `settled ${formatCount(v.receiver.settled + v.payer.settled)}`,
    `rejected ${formatCount(v.receiver.rejected + v.payer.rejected)}`,
    `AB03 ${formatCount(v.receiver.timedOut + v.payer.timedOut)}`,
    `pending ${formatCount(v.receiver.pending + v.payer.pending)} of ${formatCount(decided(v.receiver) + decided(v.payer) + v.receiver.pending + v.payer.pending)}`,
    `consumption p99 ${ms(v.receiver.consumptionP99Ms)} / ${ms(v.payer.consumptionP99Ms)}`,
    `answer p50 ${ms(v.receiver.answerP50Ms)} p95 ${ms(v.receiver.answerP95Ms)}`,
  ].join(' · ');
}

export function scorecard(v: RehearsalView): string {
  const rows = v.criteria.map((c) => [c.pass ? 'PASS' : 'FAIL', c.name, c.target, c.measured]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  const lines = rows.map((r) => `  ${r[0]}  ${r[1]!.padEnd(width(1))}  ${r[2]!.padEnd(width(2))}  ${r[3]}`);
  const counts = (label: string, t: RehearsalView['receiver']) =>
    `  ${label.padEnd(26)} ${formatCount(t.instructions)} sent, ${formatCount(t.settled)} settled, ${formatCount(t.rejected)} rejected, ${formatCount(t.timedOut)} timed out (AB03), ${formatCount(t.pending)} pending`;
  return [
    `capacity rehearsal of ${v.ispb}: ${formatCount(v.perMinute)} a minute each way for ${v.minutes} min (${v.state})`,
    ...lines,
    counts(`to ${v.ispb} (as receiver)`, v.receiver),
    counts(`by ${v.ispb} (as payer)`, v.payer),
    `${v.pass ? 'PASS' : 'FAIL'}: ${v.criteria.filter((c) => c.pass).length} of ${v.criteria.length} criteria met`,
    '',
  ].join('\n');
}

class Refused extends Error {}

/** A GET (or DELETE) answered 200, through outages and 5xx for up to OUTAGE_LIMIT_MS; another status is an error. */
async function getJson<T>(url: URL, method = 'GET'): Promise<T> {
  for (const since = Date.now(); ; await pause(POLL_MS)) {
    try {
      const reply = await request(url, { method, timeoutMs: 30_000 });
      if (reply.status === 200) return JSON.parse(reply.body) as T;
      if (reply.status < 500) throw new Refused(`${method} ${url.pathname} answered ${describeReply(reply)}`);
      if (Date.now() - since > OUTAGE_LIMIT_MS) throw new Refused(`${method} ${url.pathname} answered ${describeReply(reply)} for ${OUTAGE_LIMIT_MS / 1000} s`);
    } catch (err) {
      if (err instanceof Refused || Date.now() - since > OUTAGE_LIMIT_MS) throw err;
    }
  }
}

export async function rehearse(options: RehearseOptions): Promise<number> {
  const started = await request(apiUrl(options.baseUrl, '/api/util/rehearsals'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ ispb: options.ispb, perMinute: options.perMinute, minutes: options.minutes })),
  });
  if (started.status !== 202) {
    process.stderr.write(`pix-stream rehearse: POST /api/util/rehearsals answered ${describeReply(started)}\n`);
    return 1;
  }
  let view = JSON.parse(started.body) as RehearsalView;
  const url = apiUrl(options.baseUrl, `/api/util/rehearsals/${view.id}`);
  process.stderr.write(
    `rehearsal ${view.id}: 99999A03 pays ${view.ispb} ${formatCount(view.perMinute)} a minute for ${view.minutes} min; ` +
      `${view.ispb} is to pay 99999A04 at the same rate and answer every pacs.008, through its own ICOM client at ${options.baseUrl.origin}\n`,
  );
  const live = new LiveLine({ render: () => progressLine(view), ttyIntervalMs: 0, plainIntervalMs: 0 });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastPlain = 0;
  try {
    while (view.state === 'running' || view.state === 'settling') {
      if (interrupted) {
        live.log('interrupted: stopping the rehearsal (Ctrl-C again to leave it running)');
        view = await getJson<RehearsalView>(url, 'DELETE');
        break;
      }
      await pause(POLL_MS);
      view = await getJson<RehearsalView>(url);
      // On a terminal the line is redrawn every second; in a log, a line every 10 s.
      if (live.isTTY || Date.now() - lastPlain >= 10_000) {
        live.draw();
        lastPlain = Date.now();
      }
    }
    live.stop();
    const report = await getJson<RehearsalReport>(apiUrl(options.baseUrl, `/api/util/rehearsals/${view.id}/report`));
    process.stdout.write(scorecard(report.rehearsal));
    if (options.json) writeFileSync(options.json, `${JSON.stringify({ criteria: report.rehearsal.criteria, pass: report.rehearsal.pass, ...report }, null, 2)}\n`);
    if (options.html) writeFileSync(options.html, renderHtmlReport(report));
    if (interrupted) return 130;
    return report.rehearsal.pass ? 0 : 1;
  } finally {
    live.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
