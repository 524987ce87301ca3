/** The final table (stdout) and bench/results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClaimLatencyResult } from './claim-latency.js';
import type { CpuSplit } from './cpu-split.js';
import type { CeilingResult } from './db-ceiling.js';
import type { DeliveryLatencyResult } from './delivery-latency.js';
import type { GzipCost } from './gzip-cost.js';
import type { InboundRate } from './inbound-rate.js';
import type { DrainResult } from './drain-throughput.js';
import type { GenerationRate } from './generation-rate.js';
import type { Environment } from './harness.js';
import { IDLE_NOISE_TX_PER_S, type IdleCostResult } from './idle-cost.js';
import { MANY_TARGET_P99_MS, MANY_TARGET_RATE, type ManyIspbsResult, type ProbeResult } from './many-ispbs.js';
import type { RawCeilingResult } from './raw-ceiling.js';
import { round } from './stats.js';
import type { TokenBucketResult } from './token-bucket.js';
import { describeDbActivity, describeTimeSplit } from './time-split.js';
import { retentionRows, type RetentionBenchResult } from './retention-report.js';
import type { SoakResult } from './soak.js';

export interface Results {
  generation?: GenerationRate;
  drainMultipart?: DrainResult;
  drainSingle?: DrainResult;
  drainSingleSix?: DrainResult;
  deliveryLatency?: DeliveryLatencyResult;
  idleCost?: IdleCostResult;
  claimLatency?: ClaimLatencyResult;
  ceiling?: CeilingResult;
  drainToCeilingRatio?: number;
  tokenBucket?: TokenBucketResult;
  drainIcom?: DrainResult;
  icomDrainToRawCeilingRatio?: number;
  gzip?: GzipCost[];
  inbound?: InboundRate;
  rawCeiling?: RawCeilingResult;
  /** The multipart drain over the raw claim ceiling: the ratio with the target. */
  drainToRawCeilingRatio?: number;
  manyIspbs?: ManyIspbsResult;
  retention?: RetentionBenchResult;
  soak?: SoakResult;
}

export interface Row {
  figure: string;
  value: string;
  target: string;
  /** true pass, false fail, undefined: no target (informational) or not measured. */
  pass?: boolean;
}


const na = 'not measured';
const fmt = (value: number) => value.toLocaleString('en-US');
const lat = (l: { p50Ms: number; p99Ms: number }) => `p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms`;

/** How a claim plan reads the pending index (planLine's usesPendingIndex). */
const pendingWalk = (inOrder: boolean) => (inOrder ? 'deliveries_pending' : 'deliveries_pending NOT walked in order');

/** A drain's claim share and database waits (time-split.ts). */
const timeSplitRow = (d: DrainResult | undefined): Row => ({
  figure: '  where the time goes',
  value: d?.timeSplit ? describeTimeSplit(d.timeSplit, d.latency.meanMs) : na,
  target: '',
});

export function rows(r: Results, errors: Record<string, string>): Row[] {
  const out: Row[] = [];
  const g = r.generation;
  out.push({ figure: 'generation 100,000 (sync 201)', value: g ? `${g.sync.seconds} s = ${fmt(g.sync.messagesPerSecond)} msg/s` : na, target: '< 3 s', pass: g && g.sync.seconds < 3 });
  out.push({ figure: 'generation 1,000,000 (async job)', value: g ? `${g.async.seconds} s = ${fmt(g.async.messagesPerSecond)} msg/s` : na, target: '' });
  const m = r.drainMultipart;
  out.push({ figure: 'drain 6 collectors, multipart', value: m ? `${fmt(m.messagesPerSecond)} msg/s (${m.seconds} s${vacuums(m)})` : na, target: '>= 8,000 msg/s', pass: m && m.messagesPerSecond >= 8000 });
  out.push({ figure: '  per request', value: m ? `${lat(m.latency)} (${fmt(m.requests)} requests${oddStatuses(m)})` : na, target: '' });
  out.push(timeSplitRow(m));
  out.push({ figure: '  exactly once', value: m ? drainCheck(m) : na, target: 'union = seeded, 0 dup', pass: m?.ok });
  const ic = r.drainIcom;
  out.push({ figure: 'drain 6 collectors, ICOM multipart/mixed', value: ic ? `${fmt(ic.messagesPerSecond)} msg/s (${ic.seconds} s${vacuums(ic)})` : na, target: '' });
  out.push({ figure: '  per request', value: ic ? `${lat(ic.latency)} (${fmt(ic.requests)} requests${oddStatuses(ic)})` : na, target: '' });
  out.push(timeSplitRow(ic));
  out.push({ figure: '  exactly once', value: ic ? drainCheck(ic) : na, target: 'union = seeded, 0 dup', pass: ic?.ok });
  const icRatio = r.icomDrainToRawCeilingRatio;
  out.push({ figure: '  ICOM drain / raw claim ceiling', value: icRatio !== undefined ? `${round(icRatio * 100)} % (aim 70 %)` : na, target: '>= 50 %', pass: icRatio !== undefined ? icRatio >= 0.5 : undefined });
  for (const z of r.gzip ?? []) {
    out.push({ figure: `gzip level 1, batch of 10 (${z.face})`, value: `${z.plainBytes} -> ${z.gzipBytes} bytes, ${z.microsecondsPerBatch} µs CPU`, target: '' });
  }
  const n = r.inbound;
  out.push({ figure: `ICOM inbound, ${n?.senders ?? 6} senders, batches of 10`, value: n ? `${fmt(n.messagesPerSecond)} msg/s (${fmt(n.messages)} in ${n.seconds} s); per request ${lat(n.latency)}` : na, target: '' });
  const s = r.drainSingle;
  out.push({ figure: 'drain 1 collector, single message', value: s ? `${fmt(s.messagesPerSecond)} msg/s (${s.seconds} s${vacuums(s)})` : na, target: '>= 1,000 msg/s', pass: s && s.messagesPerSecond >= 1000 });
  out.push({ figure: '  per request', value: s ? `${lat(s.latency)} (${fmt(s.requests)} requests${oddStatuses(s)})` : na, target: '' });
  out.push(timeSplitRow(s));
  out.push({ figure: '  exactly once', value: s ? drainCheck(s) : na, target: 'union = seeded, 0 dup', pass: s?.ok });
  const s6 = r.drainSingleSix;
  out.push({ figure: 'drain 6 collectors, single message', value: s6 ? `${fmt(s6.messagesPerSecond)} msg/s (${s6.seconds} s${vacuums(s6)})` : na, target: '>= 5,000 msg/s', pass: s6 && s6.messagesPerSecond >= 5000 });
  out.push({ figure: '  per request', value: s6 ? `${lat(s6.latency)} (${fmt(s6.requests)} requests${oddStatuses(s6)})` : na, target: '' });
  out.push(timeSplitRow(s6));
  out.push({ figure: '  exactly once', value: s6 ? drainCheck(s6) : na, target: 'union = seeded, 0 dup', pass: s6?.ok });
  const d = r.deliveryLatency;
  out.push({ figure: `insert -> delivery (${d?.samples ?? 200} samples)`, value: d ? `${lat(d.latency)}, max ${d.latency.maxMs} ms` : na, target: 'p99 < 20 ms', pass: d && d.latency.p99Ms < 20 && d.anomalies === 0 });
  const i = r.idleCost;
  out.push({ figure: 'idle: baseline (background jobs)', value: i ? `${i.baselineTxPerSecond} tx/s (${i.baselineTransactions} tx)` : na, target: '' });
  out.push({ figure: `idle: with ${i?.waiters ?? 100} waiting long polls`, value: i ? `${i.waitingTxPerSecond} tx/s (${i.waitingTransactions} tx)` : na, target: '' });
  out.push({ figure: 'idle: added by waiters (all tx)', value: i ? `${i.addedTxPerSecond} tx/s (background-job jitter: ±${IDLE_NOISE_TX_PER_S}); claims ${i.waitingClaims} (baseline ${i.baselineClaims}); ${i.openStreamsWhileWaiting} streams open` : na, target: '' });
  out.push({ figure: 'idle: API pool statements while waiting', value: i ? `${i.apiPoolStatementsWhileWaiting} in ${i.windowSeconds} s` : na, target: '0', pass: i && i.apiPoolStatementsWhileWaiting === 0 && i.waitingClaims === 0 && i.answeredEarly === 0 });
  const c = r.claimLatency;
  out.push({ figure: 'pull (ack+claim), 0 delivered rows', value: c ? lat(c.empty) : na, target: '' });
  out.push({ figure: `pull (ack+claim), ${c ? fmt(c.deliveredRowsLoaded) : '2,000,000'} delivered`, value: c ? lat(c.loaded) : na, target: '' });
  out.push({ figure: '  ratio 2M / empty', value: c ? `p50 ${c.ratioP50}x, p99 ${c.ratioP99}x` : na, target: 'p50 <= 1.5x', pass: c && c.ratioP50 <= 1.5 });
  if (c?.deadlocks) out.push({ figure: '  deadlocks (retried)', value: String(c.deadlocks), target: '0', pass: false });
  out.push({ figure: '  pull statement alone, 2M', value: c ? `planning ${c.pullPlanningMs} ms, execution ${c.pullExecutionMs} ms` : na, target: '' });
  const planVerdict = (x: ClaimLatencyResult) =>
    `${x.usesPendingIndex ? 'deliveries_pending, custom and generic' : pendingWalk(false)}${x.seqScanOfMessages ? ', Seq Scan!' : ''} (below)`;
  out.push({ figure: '  plan', value: c ? planVerdict(c) : na, target: 'deliveries_pending', pass: c && c.usesPendingIndex && !c.seqScanOfMessages });
  out.push(...manyIspbsRows(r.manyIspbs));
  const raw = r.rawCeiling;
  out.push({
    figure: `raw claim ceiling, ${raw?.clients ?? 6} clients (${raw?.tool ?? 'pgbench'})`,
    value: raw ? `${fmt(raw.messagesPerSecond)} msg/s = ${raw.batch} x ${fmt(raw.transactionsPerSecond)} tx/s (${raw.seconds} s${raw.latencyAverageMs ? `, tx ${raw.latencyAverageMs} ms avg` : ''})` : na,
    target: '',
  });
  out.push({
    figure: '  every batch full (db)',
    value: raw ? `${raw.batchesFull ? '✓' : '✗'} ${fmt(raw.claimedRows)} claimed, ${fmt(raw.transactions)} tx counted, ${fmt(raw.pendingAfter)} still pending, ${raw.failedTransactions} failed` : na,
    target: 'claimed = 10 x tx',
    pass: raw && raw.batchesFull && raw.failedTransactions === 0,
  });
  out.push({
    figure: '  raw claim plan, seeded state',
    value: raw ? `${pendingWalk(raw.planBefore.usesPendingIndex)} before, ${pendingWalk(raw.planAfter.usesPendingIndex)} after (below)` : na,
    target: 'deliveries_pending',
    pass: raw && raw.planBefore.usesPendingIndex && raw.planAfter.usesPendingIndex,
  });
  const k = r.ceiling;
  out.push({ figure: 'db ceiling, pix-stream statement (6 direct)', value: k ? `${fmt(k.messagesPerSecond)} msg/s (${fmt(k.transactionsPerSecond)} pulls/s)${deadlocked(k.deadlocks)}` : na, target: '' });
  const ref = k?.asyncCommitReference;
  if (ref) out.push({ figure: '  same, synchronous_commit=off (ref.)', value: `${fmt(ref.messagesPerSecond)} msg/s (${fmt(ref.transactionsPerSecond)} pulls/s)${deadlocked(ref.deadlocks)}`, target: '' });
  const rawRatio = r.drainToRawCeilingRatio;
  out.push({ figure: 'multipart drain / raw claim ceiling', value: rawRatio !== undefined ? `${round(rawRatio * 100)} % (aim 70 %)` : na, target: '>= 50 %', pass: rawRatio !== undefined ? rawRatio >= 0.5 : undefined });
  out.push({ figure: 'multipart drain / pix-stream statement ceiling', value: r.drainToCeilingRatio !== undefined ? `${round(r.drainToCeilingRatio * 100)} %` : na, target: '' });
  const b = r.tokenBucket;
  const bucket = (run: TokenBucketResult['spread'] | undefined) => (run ? `${lat(run.latency)}; ${fmt(run.callsPerSecond)} calls/s` : na);
  out.push({ figure: `SELECT 1 round trip, ${b?.connections ?? 6} conns (ref.)`, value: bucket(b?.roundTrip), target: '' });
  out.push({ figure: `ICOM token, ${b?.participants ?? 800} participants`, value: bucket(b?.spread), target: '' });
  out.push({ figure: '  one hot participant (row lock)', value: bucket(b?.hot), target: '' });
  out.push({ figure: '  refused (empty bucket)', value: b ? `${bucket(b.refused)}; ${fmt(b.refused.taken)} taken` : na, target: '' });
  out.push({ figure: '  hot, logged table (ref.)', value: bucket(b?.hotLogged), target: '' });
  out.push(...retentionRows(r.retention, r.soak));
  for (const [step, message] of Object.entries(errors)) out.push({ figure: `ERROR in ${step}`, value: message.slice(0, 120), target: '', pass: false });
  return out;
}

const ms = (value: number) => (Number.isFinite(value) ? `${value} ms` : 'never (undelivered)');

/** The many-ISPBs rows, read from the confirmation that decided the verdict. */
function manyIspbsRows(m: ManyIspbsResult | undefined): Row[] {
  const label = m ? `${m.ispbs} ISPBs x ${m.collectorsPerIspb} = ${m.collectors} long polls` : '100 ISPBs x 6 = 600 long polls';
  const c: ProbeResult | undefined = m?.confirmations.at(-1) ?? m?.probes.at(-1);
  const confirmed = m && m.confirmedRate > 0;
  const rows: Row[] = [
    {
      figure: `many ISPBs: ${label}, inflow held ${m?.windowSeconds ?? 60} s`,
      value: m ? `${confirmed ? `${fmt(m.confirmedRate)} msg/s` : 'no rate held'} (search found ${fmt(m.foundRate)} in ${m.probes.length} probes of ${m.probeSeconds} s; POSTs of ${m.postBatch})` : na,
      target: `>= ${fmt(MANY_TARGET_RATE)} msg/s`,
      pass: m?.held,
    },
  ];
  if (!m || !c) return rows;
  const window = `${c.rate === m.confirmedRate ? 'held' : 'failed'} window at ${fmt(c.rate)} msg/s`;
  rows.push({
    figure: '  post -> delivery (created_at -> receipt)',
    value: `p50 ${ms(c.latency.p50Ms)}, p99 ${ms(c.latency.p99Ms)}, max ${ms(c.latency.maxMs)} over ${fmt(c.created)} msgs (${window}; POST itself p99 ${c.sender.postLatency.p99Ms} ms)`,
    target: `p99 < ${MANY_TARGET_P99_MS} ms`,
    pass: c.latency.p99Ms < MANY_TARGET_P99_MS,
  });
  rows.push({
    figure: '  backlog, pending in db',
    value: `start ${fmt(c.pendingStart)} -> end ${fmt(c.pendingEnd)} (max ${fmt(c.pendingMax)}, tolerance +${fmt(c.backlogTolerance)}); inflow ${fmt(c.inflow)} msg/s${c.failed.length ? `; ${c.failed.join('; ')}` : ''}`,
    target: 'end <= start + 100 ms inflow',
    pass: c.pendingEnd <= c.pendingStart + c.backlogTolerance,
  });
  const apps = Object.entries(c.dbConnections.byApplicationAtMax).map(([name, n]) => `${name} ${n}`).join(', ');
  rows.push({
    figure: '  API RSS; database connections',
    value: `${c.apiRssMiB ? `max ${c.apiRssMiB.max} MiB (end ${c.apiRssMiB.end}, peak ${c.apiRssMiB.peak})` : 'no /proc'}; max ${c.dbConnections.max} (${apps})`,
    target: '',
  });
  rows.push({
    figure: '  database backends',
    value: describeDbActivity(c.dbActive),
    target: '',
  });
  rows.push({
    figure: '  search (msg/s, probe windows)',
    value: m.probes.map((p) => `${fmt(p.rate)} ${p.held ? '✓' : `✗ ${p.failed[0] ?? ''}`}`).join(' | ').slice(0, 400),
    target: '',
  });
  return rows;
}

function deadlocked(count: number): string {
  return count > 0 ? `; ${count} DEADLOCKS retried` : '';
}

/** Anything but 200 among the replies (429, 5xx retried), e.g. "; 500 x3". */
function oddStatuses(d: DrainResult): string {
  const odd = Object.entries(d.statuses).filter(([status]) => status !== '200' && status !== '204');
  return odd.map(([status, count]) => `; ${status} x${count}`).join('');
}

function vacuums(d: DrainResult): string {
  return d.autovacuumRuns ? `; ${d.autovacuumRuns} autovacuum/analyze of messages meanwhile` : '';
}

function drainCheck(d: DrainResult): string {
  const mark = d.ok ? '✓' : '✗ FAILED';
  const audit = d.audit ? `, db: ${d.audit.acked} acked, ${d.audit.pending} pending, ${d.audit.inFlight} in flight` : '';
  return `${mark} ${fmt(d.unique)}/${fmt(d.seeded)} unique, ${d.duplicates} dup${audit}`;
}

export function printTable(env: Environment, table: Row[], notes: string[], totalSeconds: number): void {
  const verdict = (row: Row) => (row.pass === undefined ? (row.target ? '-' : '') : row.pass ? 'PASS' : 'FAIL');
  const widths = [
    Math.max(...table.map((row) => row.figure.length), 6),
    Math.max(...table.map((row) => row.value.length), 5),
    Math.max(...table.map((row) => row.target.length), 6),
  ];
  const line = (cells: string[]) => `| ${cells[0].padEnd(widths[0])} | ${cells[1].padEnd(widths[1])} | ${cells[2].padEnd(widths[2])} | ${cells[3].padEnd(4)} |`;
  const rule = `|${'-'.repeat(widths[0] + 2)}|${'-'.repeat(widths[1] + 2)}|${'-'.repeat(widths[2] + 2)}|------|`;
  const out = [
    '',
    'pix-stream benchmark',
    `machine : ${env.cpuModel}, ${env.cores} cores, ${env.totalMemoryGiB} GiB, ${env.platform}, kernel ${env.osRelease}`,
    `node    : ${env.node}`,
    `postgres: ${env.postgres ?? 'unknown'} (${env.postgresSource ?? '?'})`,
    `load avg: before ${env.loadAverageBefore.join(' ')}, after ${env.loadAverageAfter?.join(' ') ?? '?'} (1/5/15 min)`,
    '',
    line(['figure', 'value', 'target', '']),
    rule,
    ...table.map((row) => line([row.figure, row.value, row.target, verdict(row)])),
    '',
    ...notes,
    `total run time: ${totalSeconds} s`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

export function cpuLines(sections: Record<string, CpuSplit>): string[] {
  const names = Object.keys(sections);
  if (names.length === 0) return [];
  const width = Math.max(...names.map((name) => name.length));
  return [
    'CPU during each timed section, % of one core (2 cores = 200): load generator | API | PostgreSQL | rest of the machine | idle',
    ...names.map((name) => {
      const c = sections[name];
      return `  ${name.padEnd(width)}  bench ${String(c.benchPct).padStart(3)}  api ${String(c.apiPct).padStart(3)}  pg ${String(c.postgresPct).padStart(3)}  other ${String(c.otherPct).padStart(3)}  idle ${String(c.idlePct).padStart(3)}`;
    }),
    '',
  ];
}

export function writeJson(file: string, payload: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
}
