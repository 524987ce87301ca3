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
import { MANY_TARGET_P99_MS, type ManyIspbsResult, type ProbeResult } from './many-ispbs.js';
import type { RawCeilingResult } from './raw-ceiling.js';
import { round } from './stats.js';
import type { TokenBucketResult } from './token-bucket.js';
import { describeDbActivity, describeTimeSplit } from './time-split.js';
import { retentionRows, type RetentionBenchResult } from './retention-report.js';
import type { SoakResult } from './soak.js';
import type { FlowCeilingResult, InsertCeilingResult, SingleCeilingResult } from './sql-ceilings.js';
import type { SettlementRateResult } from './settlement-rate.js';
import { SHARE, type RehearsalRateResult } from './rehearsal-rate.js';

export interface Results {
  generation?: GenerationRate;
  insertCeiling?: InsertCeilingResult;
  drainMultipart?: DrainResult;
  drainMultipartIdentity?: DrainResult;
  drainLibrary?: DrainResult;
  drainCli?: DrainResult;
  drainIcomIdentity?: DrainResult;
  drainIcomLibrary?: DrainResult;
  drainIcomCli?: DrainResult;
  singleCeiling?: SingleCeilingResult;
  flowCeiling?: FlowCeilingResult;
  /** Every ratio of the run (ratios()), by name. */
  ratios?: Record<string, RatioResult>;
  drainSingle?: DrainResult;
  drainSingleSix?: DrainResult;
  deliveryLatency?: DeliveryLatencyResult;
  idleCost?: IdleCostResult;
  claimLatency?: ClaimLatencyResult;
  ceiling?: CeilingResult;
  tokenBucket?: TokenBucketResult;
  drainIcom?: DrainResult;
  gzip?: GzipCost[];
  inbound?: InboundRate;
  settlement?: SettlementRateResult;
  rehearsal?: RehearsalRateResult;
  rawCeiling?: RawCeilingResult;
  manyIspbs?: ManyIspbsResult;
  retention?: RetentionBenchResult;
  soak?: SoakResult;
}

/** The speed targets: each a ratio of two figures of the same run. */
export const RATIO_TARGETS = {
  /** A drain over the ceiling of its SQL work on the same server. */
  ofCeiling: 0.5,
  /** pix-stream's client library or CLI over Node's fetch, same face, same drain. */
  ofFetch: 0.9,
};

export interface RatioResult {
  numerator: number;
  denominator: number;
  ratio: number;
  /** Absent: printed for information. */
  min?: number;
  pass?: boolean;
}

function ratioOf(numerator: number | undefined, denominator: number | undefined, min?: number): RatioResult | undefined {
  if (numerator === undefined || denominator === undefined || !(denominator > 0)) return undefined;
  const ratio = round(numerator / denominator, 3);
  return { numerator, denominator, ratio, min, pass: min === undefined ? undefined : ratio >= min };
}

/** The run's ratios: a ratio is there when both of its figures were measured. */
export function ratios(r: Results): Record<string, RatioResult> {
  const { ofCeiling, ofFetch } = RATIO_TARGETS;
  const rate = (d: DrainResult | undefined) => d?.messagesPerSecond;
  const raw = r.rawCeiling?.messagesPerSecond;
  const all: Record<string, RatioResult | undefined> = {
    challengeDrainOfRaw: ratioOf(rate(r.drainMultipart), raw, ofCeiling),
    icomDrainOfRaw: ratioOf(rate(r.drainIcom), raw, ofCeiling),
    challengeIdentityOfRaw: ratioOf(rate(r.drainMultipartIdentity), raw),
    icomIdentityOfRaw: ratioOf(rate(r.drainIcomIdentity), raw),
    libraryOfFetch: ratioOf(rate(r.drainLibrary), rate(r.drainMultipart), ofFetch),
    cliOfFetch: ratioOf(rate(r.drainCli), rate(r.drainMultipart), ofFetch),
    icomLibraryOfFetch: ratioOf(rate(r.drainIcomLibrary), rate(r.drainIcom), ofFetch),
    icomCliOfFetch: ratioOf(rate(r.drainIcomCli), rate(r.drainIcom), ofFetch),
    singleOfRaw: ratioOf(rate(r.drainSingle), r.singleCeiling?.one.messagesPerSecond, ofCeiling),
    singleSixOfRaw: ratioOf(rate(r.drainSingleSix), r.singleCeiling?.six.messagesPerSecond, ofCeiling),
    generationOfInsert: ratioOf(r.generation?.sync.messagesPerSecond, r.insertCeiling?.messagesPerSecond, ofCeiling),
    // A ceiling that ran out of pending instructions measured nothing: no ratio then.
    settlementOfCeiling: ratioOf(r.settlement?.settled.perSecond, r.settlement?.ceiling.leftPending ? r.settlement.ceiling.perSecond : undefined, ofCeiling),
    manyIspbsOfFlow: ratioOf(r.manyIspbs ? r.manyIspbs.confirmedRate : undefined, r.flowCeiling?.messagesPerSecond, ofCeiling),
    challengeDrainOfStatement: ratioOf(rate(r.drainMultipart), r.ceiling?.messagesPerSecond),
  };
  return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, RatioResult] => entry[1] !== undefined));
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

/** A ratio's row: its value with the two figures, and its target (PASS/FAIL) when it has one. */
function ratioRow(figure: string, x: RatioResult | undefined, min?: number): Row {
  return {
    figure,
    value: x ? `${x.ratio.toFixed(2)} (${fmt(round(x.numerator))} / ${fmt(round(x.denominator))})` : na,
    target: min === undefined ? '' : `>= ${min}`,
    pass: min === undefined ? undefined : x?.pass,
  };
}

/** A drain's rows: rate, per request (HTTP clients), where the time went, exactly once. */
function drainRows(figure: string, d: DrainResult | undefined, detail: boolean): Row[] {
  const out: Row[] = [{ figure, value: d ? `${fmt(d.messagesPerSecond)} msg/s (${d.seconds} s${vacuums(d)})` : na, target: '' }];
  if (detail) {
    out.push({ figure: '  per request', value: d ? `${lat(d.latency)} (${fmt(d.requests)} requests${oddStatuses(d)})` : na, target: '' });
    out.push(timeSplitRow(d));
  }
  out.push({ figure: '  exactly once', value: d ? drainCheck(d) : na, target: 'union = seeded, 0 dup', pass: d?.ok });
  return out;
}

export function rows(r: Results, errors: Record<string, string>): Row[] {
  const { ofCeiling, ofFetch } = RATIO_TARGETS;
  const x = r.ratios ?? ratios(r);
  const out: Row[] = [];
  const g = r.generation;
  const ic0 = r.insertCeiling;
  out.push({ figure: 'generation 100,000 (sync 201)', value: g ? `${g.sync.seconds} s = ${fmt(g.sync.messagesPerSecond)} msg/s` : na, target: '' });
  out.push({
    figure: '  insert ceiling (pgbench, 2 clients x 5,000 rows/tx)',
    value: ic0 ? `${fmt(ic0.messagesPerSecond)} msg/s = 5,000 x ${ic0.transactionsPerSecond} tx/s` : na,
    target: '',
  });
  out.push(ratioRow('  generation / insert ceiling', x.generationOfInsert, ofCeiling));
  out.push({ figure: 'generation 1,000,000 (async job)', value: g ? `${g.async.seconds} s = ${fmt(g.async.messagesPerSecond)} msg/s` : na, target: '' });
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
  for (const face of ['challenge', 'icom'] as const) {
    const icom = face === 'icom';
    const name = icom ? 'ICOM multipart/mixed' : 'challenge multipart/json';
    const fetchDrain = icom ? r.drainIcom : r.drainMultipart;
    out.push(...drainRows(`drain 6 collectors, ${name}, fetch (gzip)`, fetchDrain, true));
    out.push(ratioRow('  / raw claim ceiling', icom ? x.icomDrainOfRaw : x.challengeDrainOfRaw, ofCeiling));
    out.push(...drainRows(`drain 6 collectors, ${name}, fetch (identity)`, icom ? r.drainIcomIdentity : r.drainMultipartIdentity, false));
    out.push(ratioRow('  / raw claim ceiling', icom ? x.icomIdentityOfRaw : x.challengeIdentityOfRaw));
    out.push(...drainRows(`drain 6 streams, ${name}, pix-stream/client`, icom ? r.drainIcomLibrary : r.drainLibrary, false));
    out.push(ratioRow('  / fetch (gzip)', icom ? x.icomLibraryOfFetch : x.libraryOfFetch, ofFetch));
    out.push(...drainRows(`drain 6 collectors, ${name}, pix-stream collect`, icom ? r.drainIcomCli : r.drainCli, false));
    out.push(ratioRow('  / fetch (gzip)', icom ? x.icomCliOfFetch : x.cliOfFetch, ofFetch));
  }
  for (const z of r.gzip ?? []) {
    out.push({ figure: `gzip level 1, batch of 10 (${z.face})`, value: `${z.plainBytes} -> ${z.gzipBytes} bytes, ${z.microsecondsPerBatch} µs CPU`, target: '' });
  }
  const n = r.inbound;
  out.push({ figure: `ICOM inbound, ${n?.senders ?? 6} senders, batches of 10`, value: n ? `${fmt(n.messagesPerSecond)} msg/s (${fmt(n.messages)} in ${n.seconds} s); per request ${lat(n.latency)}` : na, target: '' });
  const st = r.settlement;
  out.push({ figure: `SPI: transfers accepted, ${st?.clients ?? 6} senders, ${st?.participants ?? 100} participants`, value: st ? `${fmt(st.accepted.perSecond)}/s (${fmt(st.accepted.transfers)} in ${st.accepted.seconds} s); per request of 10 ${lat(st.accepted.latency)}` : na, target: '' });
  out.push({ figure: `SPI: transfers settled, receivers answering ACSP (${st?.clients ?? 6} clients)`, value: st ? `${fmt(st.settled.perSecond)}/s (${fmt(st.settled.transfers)} in ${st.settled.seconds} s); per request of 10 ${lat(st.settled.latency)}` : na, target: '' });
  out.push({ figure: '  settlement ceiling, same SQL (pgbench, 6 clients × 10)', value: st ? `${fmt(st.ceiling.perSecond)}/s (${fmt(st.ceiling.transactionsPerSecond)} tx/s, ${fmt(st.ceiling.leftPending)} left pending)` : na, target: '' });
  out.push(ratioRow('  settled / ceiling', x.settlementOfCeiling, ofCeiling));
  out.push({ figure: '  settled once, ledger sums to 0, no balance < 0', value: st ? `${st.checks.settledOnce ? '✓' : '✗'} ${st.checks.ledgerBalanced ? '✓' : '✗'} ${st.checks.noNegative ? '✓' : '✗'}` : na, target: 'all ✓', pass: st?.ok });
  const rh = r.rehearsal;
  const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)}`);
  for (const run of rh?.runs ?? []) {
    out.push({
      figure: `rehearsal ${fmt(run.perMinute)}/min each way, ${rh!.minutes} min, prompt bank`,
      value: `${run.withinShare ? '✓' : '✗'} consumption p99 ${ms(run.receiverConsumptionP99Ms)} / ${ms(run.payerConsumptionP99Ms)} ms, answer p50 ${ms(run.answerP50Ms)} p95 ${ms(run.answerP95Ms)} ms; ${fmt(run.settled)} of ${fmt(run.instructions)} settled; ${run.criteriaPassed}/4 criteria`,
      target: `half the budget: ${SHARE.consumptionP99Ms} / ${SHARE.answerP50Ms} / ${SHARE.answerP95Ms} ms`,
    });
  }
  out.push({ figure: "  highest rate within pix-stream's share", value: rh ? (rh.highestWithinShare === null ? 'none' : `${fmt(rh.highestWithinShare)}/min each way`) : na, target: '' });
  const sc = r.singleCeiling;
  const single = (run: SingleCeilingResult['one'] | undefined) => (run ? `${fmt(run.messagesPerSecond)} msg/s (${run.seconds} s${run.latencyAverageMs ? `, tx ${run.latencyAverageMs} ms avg` : ''})` : na);
  out.push({ figure: 'single-claim ceiling, 1 client (claim 1 + iteration)', value: single(sc?.one), target: '' });
  out.push({ figure: 'single-claim ceiling, 6 clients', value: single(sc?.six), target: '' });
  out.push(...drainRows('drain 1 collector, single message, fetch (gzip)', r.drainSingle, true));
  out.push(ratioRow('  / single-claim ceiling, 1 client', x.singleOfRaw, ofCeiling));
  out.push(...drainRows('drain 6 collectors, single message, fetch (gzip)', r.drainSingleSix, true));
  out.push(ratioRow('  / single-claim ceiling, 6 clients', x.singleSixOfRaw, ofCeiling));
  const d = r.deliveryLatency;
  out.push({ figure: `insert -> delivery (${d?.samples ?? 200} samples)`, value: d ? `${lat(d.latency)}, max ${d.latency.maxMs} ms` : na, target: 'p99 < 20 ms', pass: d && d.latency.p99Ms < 20 && d.anomalies === 0 });
  const i = r.idleCost;
  out.push({ figure: 'idle: baseline (background jobs)', value: i ? `${i.baselineTxPerSecond} tx/s (${i.baselineTransactions} tx)` : na, target: '' });
  out.push({ figure: `idle: with ${i?.waiters ?? 100} waiting long polls`, value: i ? `${i.waitingTxPerSecond} tx/s (${i.waitingTransactions} tx)` : na, target: '' });
  out.push({ figure: 'idle: added by waiters (all tx)', value: i ? `${i.addedTxPerSecond} tx/s (background-job jitter: ±${IDLE_NOISE_TX_PER_S}); claims ${i.waitingClaims} (baseline ${i.baselineClaims}); ${i.openStreamsWhileWaiting} streams open` : na, target: '' });
  out.push({ figure: 'idle: API pool statements while waiting', value: i ? `${i.apiPoolStatementsWhileWaiting} in ${i.windowSeconds} s` : na, target: '0', pass: i && i.apiPoolStatementsWhileWaiting === 0 && i.waitingClaims === 0 && i.answeredEarly === 0 });
  const f = r.flowCeiling;
  out.push({
    figure: `flow ceiling (pgbench, 4 insert + 4 ack/claim, ${f?.ispbs ?? 100} ISPBs)`,
    value: f
      ? `${fmt(f.messagesPerSecond)} msg/s claimed end to end; inserted ${fmt(f.insertedPerSecond)} msg/s (${fmt(f.inserters.transactionsPerSecond)} + ${fmt(f.claimers.transactionsPerSecond)} tx/s; ${fmt(f.pendingAfter)} left pending)`
      : na,
    target: '',
  });
  out.push(...manyIspbsRows(r.manyIspbs));
  out.push(ratioRow('  inflow held / flow ceiling', x.manyIspbsOfFlow, ofCeiling));
  const c = r.claimLatency;
  out.push({ figure: 'pull (ack+claim), 0 delivered rows', value: c ? lat(c.empty) : na, target: '' });
  out.push({ figure: `pull (ack+claim), ${c ? fmt(c.deliveredRowsLoaded) : '2,000,000'} delivered`, value: c ? lat(c.loaded) : na, target: '' });
  out.push({ figure: '  ratio 2M / empty', value: c ? `p50 ${c.ratioP50}x, p99 ${c.ratioP99}x` : na, target: 'p50 <= 1.5x', pass: c && c.ratioP50 <= 1.5 });
  if (c?.deadlocks) out.push({ figure: '  deadlocks (retried)', value: String(c.deadlocks), target: '0', pass: false });
  out.push({ figure: '  pull statement alone, 2M', value: c ? `planning ${c.pullPlanningMs} ms, execution ${c.pullExecutionMs} ms` : na, target: '' });
  const planVerdict = (p: ClaimLatencyResult) =>
    `${p.usesPendingIndex ? 'deliveries_pending, custom and generic' : pendingWalk(false)}${p.seqScanOfMessages ? ', Seq Scan!' : ''} (below)`;
  out.push({ figure: '  plan', value: c ? planVerdict(c) : na, target: 'deliveries_pending', pass: c && c.usesPendingIndex && !c.seqScanOfMessages });
  const k = r.ceiling;
  out.push({ figure: 'db ceiling, pix-stream statement (6 direct)', value: k ? `${fmt(k.messagesPerSecond)} msg/s (${fmt(k.transactionsPerSecond)} pulls/s)${deadlocked(k.deadlocks)}` : na, target: '' });
  const ref = k?.asyncCommitReference;
  if (ref) out.push({ figure: '  same, synchronous_commit=off (ref.)', value: `${fmt(ref.messagesPerSecond)} msg/s (${fmt(ref.transactionsPerSecond)} pulls/s)${deadlocked(ref.deadlocks)}`, target: '' });
  out.push(ratioRow('  challenge drain (fetch, gzip) / it', x.challengeDrainOfStatement));
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
      target: 'a rate held',
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
