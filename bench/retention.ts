/**
 * Step `retention`: claims and drains with BENCH_RETENTION_ROWS (default
 * 10,000,000) acknowledged rows in the tables, while retention deletes them,
 * and after. The rows go in straight with SQL (testkit/acknowledged-rows.ts),
 * dated 2 days back (younger than the API's own job deletes, 168 h; older
 * than this step's cutoff, 1 day), then VACUUM ANALYZE, as autovacuum would have left a
 * table that old. Each phase times the per-pull statement (claim-transaction.ts)
 * on an ISPB of its own and drains a fresh ISPB with 6 multipart collectors.
 * During the run the pulls are paced (one every 20 ms) so they sample the
 * whole run rather than drain their ISPB in its first seconds.
 */
import pg from 'pg';
import { insertAcknowledgedRows } from '../testkit/acknowledged-rows.js';
import { onServer as admin } from '../testkit/database.js';
import { dropAcknowledgedMessages, type RetentionRun } from '../src/retention/drop-acknowledged.js';
import { RETENTION_BATCH_DEFAULT } from '../src/config.js';
import { RETENTION_REST_RATIO } from '../src/jobs/drop-acknowledged.js';
import { benchDatabase, closeDirectStream, openDirectStream, pull } from './claim-transaction.js';
import { timedPulls } from './claim-latency.js';
import { cpu } from './cpu-split.js';
import { measureDrain, type DrainResult } from './drain-throughput.js';
import { seed } from './generation-rate.js';
import { FetchClient, sleep, type HttpClient } from './http-client.js';
import { progress, round, summarize, type LatencySummary } from './stats.js';

const PULLS = 1000;
const DRAIN = 50_000;
const PACE_MS = 20;
/** Iterations per delete transaction (RETENTION_BATCH's default) and the rest after each (the job's), unless overridden for trials. */
const BATCH = Number(process.env.BENCH_RETENTION_BATCH ?? RETENTION_BATCH_DEFAULT);
const REST_RATIO = Number(process.env.BENCH_RETENTION_REST ?? RETENTION_REST_RATIO);

export interface RetentionPhase {
  claim: LatencySummary;
  drain: DrainResult;
  /** pg_total_relation_size, MiB. */
  messagesMiB: number;
  iterationsMiB: number;
}

export interface RetentionBenchResult {
  rows: number;
  seedSeconds: number;
  vacuumSeconds: number;
  before: RetentionPhase;
  run: RetentionRun & { batch: number; restRatio: number; seconds: number; rowsPerSecond: number; messagesPerSecond: number };
  claimDuring: LatencySummary;
  after: RetentionPhase;
  leftOver: number;
}

const mib = async (client: pg.Client, table: string) =>
  round(Number((await client.query('SELECT pg_total_relation_size($1::regclass) AS b', [table])).rows[0].b) / 2 ** 20, 1);

async function phase(http: HttpClient, url: string, name: string, claimIspb: string, drainIspb: string): Promise<RetentionPhase> {
  const db = benchDatabase(url, 2);
  try {
    const stream = await openDirectStream(http, claimIspb);
    progress(`retention: ${PULLS} timed pulls (${name})`);
    const claim = await timedPulls(db, stream, PULLS, `retention pulls, ${name}`);
    await closeDirectStream(http, stream);
    await seed(http, drainIspb, DRAIN);
    const drain = await measureDrain(new FetchClient(http.baseUrl), drainIspb, DRAIN, 6, true);
    const [messagesMiB, iterationsMiB] = await admin(url, async (c) => [await mib(c, 'messages'), await mib(c, 'iterations')]);
    return { claim, drain, messagesMiB, iterationsMiB };
  } finally {
    await db.close();
  }
}

export async function measureRetention(http: HttpClient, url: string, ispbs: { history: string; claim: string; drainBefore: string; drainAfter: string }): Promise<RetentionBenchResult> {
  const rows = Number(process.env.BENCH_RETENTION_ROWS ?? 10_000_000);
  progress(`retention: seeding ${rows} acknowledged rows for ${ispbs.history}`);
  let started = performance.now();
  await admin(url, (c) => insertAcknowledgedRows(c, { ispb: ispbs.history, rows, ageDays: 2, onChunk: (n) => progress(`retention: ${n} rows in`) }));
  const seedSeconds = round((performance.now() - started) / 1000, 1);
  started = performance.now();
  await admin(url, (c) => c.query('VACUUM ANALYZE messages, iterations, streams'));
  const vacuumSeconds = round((performance.now() - started) / 1000, 1);
  await seed(http, ispbs.claim, 200_000);
  const before = await phase(http, url, `${rows} acknowledged rows present`, ispbs.claim, ispbs.drainBefore);

  // Retention on the bench's own pool (as the job runs it on the API's), pulls paced beside it.
  const db = benchDatabase(url, 3);
  const durations: number[] = [];
  let run: RetentionRun;
  let seconds: number;
  try {
    const stream = await openDirectStream(http, ispbs.claim);
    let deleting = true;
    const sampler = (async () => {
      while (deleting) {
        const t = performance.now();
        await pull(db, stream);
        durations.push(performance.now() - t);
        await sleep(PACE_MS);
      }
    })();
    progress(`retention: deleting (batches of ${BATCH} iterations, rest ratio ${REST_RATIO}) with paced pulls beside it`);
    const span = cpu.span('retention run + paced pulls');
    started = performance.now();
    run = await dropAcknowledgedMessages(db, {
      olderThan: new Date(Date.now() - 86_400_000),
      batch: BATCH,
      restRatio: REST_RATIO,
      onBatch: (s) => s.batches % 100 === 0 && progress(`retention: ${s.messages} messages deleted`),
    }).finally(() => (deleting = false));
    seconds = (performance.now() - started) / 1000;
    span.end();
    await sampler;
    await closeDirectStream(http, stream);
  } finally {
    await db.close();
  }
  // What autovacuum does after such a run, done at once so the "after" phase sees the settled table.
  await admin(url, (c) => c.query('VACUUM ANALYZE messages, iterations, streams'));
  const after = await phase(http, url, 'after retention', ispbs.claim, ispbs.drainAfter);
  const leftOver = await admin(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM messages WHERE receiver_ispb = $1', [ispbs.history])).rows[0].n);
  const deleted = run.messages + run.iterations + run.streams;
  return {
    rows,
    seedSeconds,
    vacuumSeconds,
    before,
    run: { ...run, batch: BATCH, restRatio: REST_RATIO, seconds: round(seconds, 1), rowsPerSecond: round(deleted / seconds), messagesPerSecond: round(run.messages / seconds) },
    claimDuring: summarize(durations),
    after,
    leftOver,
  };
}
