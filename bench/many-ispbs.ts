/**
 * Many ISPBs at once: 100 ISPBs x 6 multipart collectors (600 long polls,
 * fleet.ts) stay connected while a paced sender (paced-sender.ts) posts a
 * steady inflow spread over those ISPBs. The step finds the highest inflow
 * that holds: doubling from 1,000 msg/s until a probe fails, bisecting between
 * the last rate that held and the first that did not (short probe windows),
 * then one long confirmation window at the rate found.
 *
 * A rate holds over a window when
 *  - the inflow really arrived: messages created in the window >= 97 % of rate x window
 *    (the sender drops POSTs it cannot get out, see paced-sender.ts);
 *  - the backlog did not grow: pending at the window's end <= pending at its start
 *    + 100 ms of inflow (a backlog that small is within the latency target);
 *  - post -> delivery p99 < 100 ms over every message created in the window
 *    (one never delivered counts as infinitely late), none delivered twice;
 *  - no POST or collector request failed.
 *
 * post -> delivery, precisely: from messages.created_at (now() of the
 * inbound route's insert transaction, i.e. its BEGIN, taken just before the INSERT
 * and its commit: the latency includes the commit) on the database's clock, to
 * the moment the collector holding it had read the whole reply, on this
 * process's wall clock (same machine: clockOffset() prints how far apart).
 * The POST's own time (request start -> 201) is printed beside it.
 *
 * Environment, for quick trials: BENCH_MANY_ISPBS (100), BENCH_WINDOW_S (60,
 * the confirmation), BENCH_PROBE_S (10, or the window if shorter),
 * BENCH_POST_BATCH (10 messages per POST), BENCH_MANY_START_RATE (1000).
 */
import pg from 'pg';
import { cpu } from './cpu-split.js';
import { CollectorFleet } from './fleet.js';
import { benchConnections, clockOffset, residentMiB, snapshot, type Snapshot } from './footprint.js';
import { FetchClient, sleep, type HttpClient } from './http-client.js';
import { startSender, type SenderStats } from './paced-sender.js';
import { progress, round, summarize, type LatencySummary } from './stats.js';
import { describeDbActivity, MONITOR_NAME, repeatEvery, sampleDbActivity, type DbActivity } from './time-split.js';

export const MANY_TARGET_P99_MS = 100;
const COLLECTORS_PER_ISPB = 6;
const WARM_UP_MS = 3000;
const INFLOW_SHARE = 0.97;
/** Backlog tolerance: this much of the inflow may be pending at the end on top of the start. */
const BACKLOG_TOLERANCE_S = 0.1;
const MAX_RATE = 64_000;
const MIN_RATE = 250;
/** Bisect until the gap is this share of the rate that held. */
const BISECT_PRECISION = 0.1;
const DRAIN_TIMEOUT_MS = 60_000;

export const LATENCY_MEASURE =
  'messages.created_at (insert transaction start, before its commit; db clock) -> collector has read the whole reply (bench wall clock)';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export interface ManyIspbsSettings {
  ispbs: number;
  windowSeconds: number;
  probeSeconds: number;
  postBatch: number;
  startRate: number;
}

export function manyIspbsSettings(): ManyIspbsSettings {
  const windowSeconds = envInt('BENCH_WINDOW_S', 60);
  return {
    ispbs: envInt('BENCH_MANY_ISPBS', 100),
    windowSeconds,
    probeSeconds: envInt('BENCH_PROBE_S', Math.min(10, windowSeconds)),
    postBatch: envInt('BENCH_POST_BATCH', 10),
    startRate: envInt('BENCH_MANY_START_RATE', 1000),
  };
}

export interface ProbeResult {
  rate: number;
  windowSeconds: number;
  /** Messages created in the window (database), and per second. */
  created: number;
  inflow: number;
  delivered: number;
  undelivered: number;
  duplicates: number;
  latency: LatencySummary;
  pendingStart: number;
  pendingEnd: number;
  pendingMax: number;
  backlogTolerance: number;
  apiRssMiB: { max: number; end: number; peak: number } | null;
  dbConnections: { max: number; byApplicationAtMax: Record<string, number> };
  /** Active backends of the bench database sampled every 100 ms: average number busy, and the share of each wait (top 5). */
  dbActive: DbActivity;
  sender: SenderStats;
  /** After the sender stopped, until nothing was pending. */
  drainSeconds: number;
  held: boolean;
  /** Why it did not hold (empty when it did). */
  failed: string[];
}

export interface ManyIspbsResult extends ManyIspbsSettings {
  collectorsPerIspb: number;
  collectors: number;
  latencyMeasure: string;
  clock: { offsetMs: number; uncertaintyMs: number };
  probes: ProbeResult[];
  /** The highest probe rate that held. */
  foundRate: number;
  /** The long window(s) at the found rate (a second one, 15 % lower, if the first did not hold). */
  confirmations: ProbeResult[];
  /** The rate of the confirmation that held, 0 if none did (judged against the flow ceiling, sql-ceilings.ts). */
  confirmedRate: number;
  fleet: { statuses: Record<string, number>; failures: string[]; closes: Record<string, number> };
  held: boolean;
}

interface Monitors {
  bench: pg.Client;
  admin: pg.Client;
  apiPid: number | undefined;
}

/** Once a second during a window: API RSS, connections, backlog (keeps the maxima); every 100 ms the backends' waits. */
function watch(m: Monitors, ispbs: string[]) {
  const activity = sampleDbActivity(m.admin);
  let rssMax = 0;
  let connMax = { total: 0, byApplication: {} as Record<string, number> };
  let pendingMax = 0;
  const tick = async () => {
    const rss = residentMiB(m.apiPid);
    if (rss) rssMax = Math.max(rssMax, rss.rss);
    const conn = await benchConnections(m.admin, MONITOR_NAME);
    if (conn.total > connMax.total) connMax = conn;
    pendingMax = Math.max(pendingMax, (await snapshot(m.bench, ispbs)).pending);
  };
  const ticking = repeatEvery(1000, tick);
  return {
    async stop() {
      await ticking.stop();
      const dbActive = await activity.stop();
      await tick();
      const rss = residentMiB(m.apiPid);
      return {
        apiRssMiB: rss ? { max: Math.max(rssMax, rss.rss), end: rss.rss, peak: rss.peak } : null,
        dbConnections: { max: connMax.total, byApplicationAtMax: connMax.byApplication },
        pendingMax,
        dbActive,
      };
    },
  };
}

async function waitDrained(db: pg.Client, ispbs: string[]): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_TIMEOUT_MS) {
    if ((await snapshot(db, ispbs)).pending === 0) break;
    await sleep(100);
  }
  return round((performance.now() - started) / 1000, 2);
}

/** Every message of the ISPBs created in [from, to), with created_at as epoch ms (microseconds kept). */
async function createdIn(db: pg.Client, ispbs: string[], from: Snapshot, to: Snapshot): Promise<{ id: string; ms: number }[]> {
  const { rows } = await db.query(
    `SELECT end_to_end_id AS id, (extract(epoch FROM created_at) * 1000)::float8 AS ms
       FROM messages WHERE receiver_ispb = ANY ($1::char(8)[]) AND created_at >= $2::timestamptz AND created_at < $3::timestamptz`,
    [ispbs, from.at, to.at],
  );
  return rows;
}

async function probe(fleet: CollectorFleet, http: HttpClient, m: Monitors, s: ManyIspbsSettings, rate: number, windowSeconds: number): Promise<ProbeResult> {
  const ispbs = fleet.ispbs;
  progress(`many ISPBs: ${rate} msg/s for ${WARM_UP_MS / 1000} s warm-up + ${windowSeconds} s window`);
  fleet.reset();
  const sender = startSender(http, ispbs, rate, s.postBatch);
  await sleep(WARM_UP_MS);
  const start = await snapshot(m.bench, ispbs);
  const watcher = watch(m, ispbs);
  const span = cpu.span(`many ISPBs ${rate} msg/s, ${windowSeconds} s`);
  await sleep(windowSeconds * 1000);
  const end = await snapshot(m.bench, ispbs);
  span.end();
  const watched = await watcher.stop();
  const senderStats = await sender.stop();
  const drainSeconds = await waitDrained(m.bench, ispbs);

  const created = await createdIn(m.bench, ispbs, start, end);
  // Replies already on their way when nothing was pending any more: give them a moment.
  for (let waited = 0; waited < 3000 && created.some((row) => fleet.receivedAt(row.id) === undefined); waited += 200) await sleep(200);
  const latencies = created.map((row) => {
    const at = fleet.receivedAt(row.id);
    return at === undefined ? Infinity : at - row.ms;
  });
  const undelivered = latencies.filter((ms) => ms === Infinity).length;
  const seconds = (end.atMs - start.atMs) / 1000;
  const inflow = round(created.length / seconds);
  const latency = summarize(latencies);
  const tolerance = Math.max(10, Math.round(rate * BACKLOG_TOLERANCE_S));
  const { duplicates } = fleet.counts();
  const postFailures = Object.entries(senderStats.statuses).filter(([status]) => status !== '201');

  const failed: string[] = [];
  if (inflow < rate * INFLOW_SHARE) failed.push(`inflow ${inflow} < ${INFLOW_SHARE * 100} % of ${rate} (${senderStats.dropped} POSTs dropped)`);
  if (end.pending > start.pending + tolerance) failed.push(`backlog grew ${start.pending} -> ${end.pending}`);
  if (!(latency.p99Ms < MANY_TARGET_P99_MS)) failed.push(`p99 ${latency.p99Ms} ms`);
  if (undelivered > 0) failed.push(`${undelivered} undelivered`);
  if (duplicates > 0) failed.push(`${duplicates} delivered twice`);
  if (postFailures.length > 0) failed.push(`POST ${postFailures.map(([status, n]) => `${status} x${n}`).join(', ')}: ${senderStats.firstError}`);
  const result: ProbeResult = {
    rate,
    windowSeconds: round(seconds, 2),
    created: created.length,
    inflow,
    delivered: created.length - undelivered,
    undelivered,
    duplicates,
    latency,
    pendingStart: start.pending,
    pendingEnd: end.pending,
    pendingMax: watched.pendingMax,
    backlogTolerance: tolerance,
    apiRssMiB: watched.apiRssMiB,
    dbConnections: watched.dbConnections,
    dbActive: watched.dbActive,
    sender: senderStats,
    drainSeconds,
    held: failed.length === 0,
    failed,
  };
  progress(
    `many ISPBs: ${rate} msg/s ${result.held ? 'held' : `did NOT hold (${failed.join('; ')})`}: ` +
      `inflow ${inflow}/s, p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, pending ${start.pending} -> ${end.pending} (max ${watched.pendingMax}), ` +
      `API RSS ${watched.apiRssMiB?.max ?? '?'} MiB, ${watched.dbConnections.max} db connections, ` +
      describeDbActivity(watched.dbActive),
  );
  return result;
}

const to100 = (rate: number) => Math.round(rate / 100) * 100;

export async function measureManyIspbs(
  http: HttpClient,
  urls: { adminUrl: string; databaseUrl: string },
  apiPid: number | undefined,
  firstIspb: number,
): Promise<ManyIspbsResult> {
  const s = manyIspbsSettings();
  const ispbs = Array.from({ length: s.ispbs }, (_, i) => String(firstIspb + i).padStart(8, '0'));
  const m: Monitors = {
    bench: new pg.Client({ connectionString: urls.databaseUrl, application_name: MONITOR_NAME }),
    admin: new pg.Client({ connectionString: urls.adminUrl, application_name: MONITOR_NAME }),
    apiPid,
  };
  await m.bench.connect();
  await m.admin.connect();
  const fleet = new CollectorFleet(new FetchClient(http.baseUrl), ispbs, COLLECTORS_PER_ISPB);
  try {
    const clock = await clockOffset(m.bench);
    progress(`many ISPBs: database clock - bench clock = ${clock.offsetMs} ms ± ${clock.uncertaintyMs} ms`);
    fleet.start();
    // Every collector must be waiting before the first probe: count their open streams.
    for (let waited = 0; ; waited += 200) {
      const { rows } = await m.bench.query(`SELECT count(*)::int AS n FROM streams WHERE ispb = ANY ($1::char(8)[]) AND status = 'open'`, [ispbs]);
      if (rows[0].n === fleet.size) break;
      if (waited > 30_000) throw new Error(`only ${rows[0].n} of ${fleet.size} streams open after 30 s: ${fleet.report().failures[0] ?? ''}`);
      await sleep(200);
    }

    const probes: ProbeResult[] = [];
    let held = 0;
    let failedAt = 0;
    // Double from the start rate while it holds (or halve while it does not), then bisect the gap.
    for (let rate = s.startRate; rate >= MIN_RATE && rate <= MAX_RATE; ) {
      const result = await probe(fleet, http, m, s, rate, s.probeSeconds);
      probes.push(result);
      if (result.held) held = rate;
      else failedAt = rate;
      if (held && failedAt) break;
      rate = result.held ? rate * 2 : Math.floor(rate / 2);
    }
    while (held && failedAt && failedAt - held > Math.max(100, held * BISECT_PRECISION)) {
      const rate = to100((held + failedAt) / 2);
      if (rate <= held || rate >= failedAt) break;
      const result = await probe(fleet, http, m, s, rate, s.probeSeconds);
      probes.push(result);
      if (result.held) held = rate;
      else failedAt = rate;
    }

    const confirmations: ProbeResult[] = [];
    let confirmedRate = 0;
    // The long window at the rate found; if it does not hold there, once more 15 % lower.
    for (const rate of held ? [held, to100(held * 0.85)] : []) {
      progress(`many ISPBs: confirming ${rate} msg/s over ${s.windowSeconds} s`);
      const result = await probe(fleet, http, m, s, rate, s.windowSeconds);
      confirmations.push(result);
      if (result.held) {
        confirmedRate = rate;
        break;
      }
    }
    const closes = await fleet.stop();
    const { statuses, failures } = fleet.report();
    return {
      ...s,
      collectorsPerIspb: COLLECTORS_PER_ISPB,
      collectors: fleet.size,
      latencyMeasure: LATENCY_MEASURE,
      clock,
      probes,
      foundRate: held,
      confirmations,
      confirmedRate,
      fleet: { statuses, failures: failures.slice(0, 5), closes },
      held: confirmedRate > 0,
    };
  } finally {
    await fleet.stop().catch(() => undefined);
    await m.bench.end();
    await m.admin.end();
  }
}
