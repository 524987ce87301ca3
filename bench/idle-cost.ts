/**
 * Step 5: what idle long polls cost the database.
 * Transactions of the bench database (xact_commit + xact_rollback of
 * pg_stat_database) over a 10 s window: first with no waiters (the background
 * jobs' baseline), then with 100 long polls waiting on 100 empty ISPBs.
 *
 * Two details make the count exact:
 * - The monitor connects to another database of the server (the admin one)
 *   and reads the bench database's row by name, so its own sampling
 *   transactions are not counted at all: nothing to subtract.
 * - Backends flush their statistics at most once a second; what a busy backend
 *   did last is flushed up to 10 s (PGSTAT_IDLE_INTERVAL) after it goes idle.
 *   So each window starts only after 11 s of quiet, or earlier work would
 *   show up in it.
 * A VACUUM ANALYZE first keeps autovacuum (due after the drains) out of the windows.
 * The exact figure: no backend of the API's own pool (application_name
 * 'pix-stream') starts a statement during the waiting window.
 * The totals carry the background job's jitter (an expiry run is ~4
 * transactions; 2 or 3 runs land in a window), so claims are also counted
 * directly: scans of the pending indexes, which every claim uses and the
 * background job never does. That counter is read on a connection to the
 * bench database before and after each window: a backend flushes its
 * statistics before answering, so those reads land outside the window.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import pg from 'pg';
import { BENCH_DATABASE } from './harness.js';
import { HttpClient, isAbort, sleep } from './http-client.js';
import { cpu } from './cpu-split.js';
import { progress, round } from './stats.js';

const WINDOW_MS = 10_000;
const STATS_SETTLE_MS = 11_000;
const WAITING_CHECK_MS = 1_000;
/** Below this, a difference in transactions/s is the background job's jitter (see above). */
export const IDLE_NOISE_TX_PER_S = 1;

export interface IdleCostResult {
  waiters: number;
  windowSeconds: number;
  baselineTransactions: number;
  waitingTransactions: number;
  baselineTxPerSecond: number;
  waitingTxPerSecond: number;
  addedTxPerSecond: number;
  openStreamsWhileWaiting: number;
  /** API pool connections that ran any statement during the waiting window (0 = the waiters cost nothing). */
  apiPoolStatementsWhileWaiting: number;
  /** Scans of the pending indexes (= claims) in each window. */
  baselineClaims: number;
  waitingClaims: number;
  activeBackendsWhileWaiting: number;
  answeredEarly: number;
  closedByStop: number;
}

async function claimScans(benchMonitor: pg.Client): Promise<number> {
  const { rows } = await benchMonitor.query(
    `SELECT coalesce(sum(idx_scan), 0)::bigint AS n FROM pg_stat_user_indexes WHERE indexrelname IN ('deliveries_pending', 'deliveries_pending_transfers')`,
  );
  return Number(rows[0].n);
}

/**
 * Backends of the API's own pool (application_name 'pix-stream', not LISTEN's or
 * pg-boss's) that started a statement since `since`: an exact count of the
 * request path's activity, free of the background job's jitter.
 */
async function apiPoolBackendsBusySince(monitor: pg.Client, since: Date): Promise<number> {
  const { rows } = await monitor.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = $1 AND application_name = 'pix-stream' AND query_start >= $2`,
    [BENCH_DATABASE, since],
  );
  return rows[0].n;
}

/** Transactions of the bench database in one window, and claims in a window just around it. */
async function windowCount(
  monitor: pg.Client,
  benchMonitor: pg.Client,
  name: string,
): Promise<{ transactions: number; seconds: number; claims: number; apiPoolBusy: number }> {
  const claimsBefore = await claimScans(benchMonitor);
  const span = cpu.span(name);
  const sample = async () => {
    const { rows } = await monitor.query(
      'SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = $1',
      [BENCH_DATABASE],
    );
    return { n: Number(rows[0].n), at: performance.now() };
  };
  const t0 = await sample();
  const startedAt = new Date();
  await sleep(WINDOW_MS);
  const apiPoolBusy = await apiPoolBackendsBusySince(monitor, startedAt);
  const t1 = await sample();
  span.end();
  const claims = (await claimScans(benchMonitor)) - claimsBefore;
  return { transactions: t1.n - t0.n, seconds: (t1.at - t0.at) / 1000, claims, apiPoolBusy };
}

export async function measureIdleCost(
  client: HttpClient,
  urls: { adminUrl: string; databaseUrl: string },
  ispbs: string[],
): Promise<IdleCostResult> {
  const { adminUrl, databaseUrl } = urls;
  const monitor = new pg.Client({ connectionString: adminUrl });
  await monitor.connect();
  const benchMonitor = new pg.Client({ connectionString: databaseUrl });
  await benchMonitor.connect();
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const hangUp = new AbortController();
  setMaxListeners(0, hangUp.signal); // one listener per waiting request
  try {
    // After the drains autovacuum has work queued; its transactions would land in one window or the other.
    progress('idle cost: VACUUM ANALYZE (so autovacuum stays out of the windows)');
    await benchMonitor.query('VACUUM ANALYZE');
    progress(`idle cost: ${STATS_SETTLE_MS / 1000} s quiet, then a ${WINDOW_MS / 1000} s baseline window`);
    await sleep(STATS_SETTLE_MS);
    const baseline = await windowCount(monitor, benchMonitor, 'idle baseline window');

    progress(`idle cost: opening ${ispbs.length} long polls`);
    let answeredEarly = 0;
    const failures: string[] = [];
    const waiters = ispbs.map((ispb) =>
      client.request(`/api/pix/${ispb}/stream/start`, { agent, signal: hangUp.signal, headers: { accept: 'multipart/json' } }).then(
        () => void (answeredEarly += 1),
        (err) => {
          if (!isAbort(err)) failures.push((err as Error).message);
        },
      ),
    );
    await sleep(WAITING_CHECK_MS);
    const state = await monitor.query(
      `SELECT count(*)::int AS active FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend' AND state <> 'idle'`,
      [BENCH_DATABASE],
    );
    progress(`idle cost: ${state.rows[0].active} bench-database backends active 1 s after opening; settling statistics`);
    await sleep(STATS_SETTLE_MS - WAITING_CHECK_MS);
    const waiting = await windowCount(monitor, benchMonitor, 'idle window, 100 waiters');

    // After the window: the streams are open (the waiters really are waiting, not refused).
    const open = await benchMonitor.query(
      `SELECT count(*)::int AS n FROM streams WHERE ispb = ANY ($1::char(8)[]) AND status = 'open'`,
      [ispbs],
    );

    hangUp.abort();
    await Promise.all(waiters);
    if (failures.length > 0) throw new Error(`${failures.length} long polls failed: ${failures[0]}`);
    let closedByStop = 0;
    for (const ispb of ispbs) {
      const stop = await client.json<{ closed: number }>(`/api/pix/${ispb}/stream/stop`);
      if (stop.status !== 200) throw new Error(`GET /api/pix/${ispb}/stream/stop answered ${stop.status}`);
      closedByStop += stop.body.closed;
    }
    const baselineRate = baseline.transactions / baseline.seconds;
    const waitingRate = waiting.transactions / waiting.seconds;
    return {
      waiters: ispbs.length,
      windowSeconds: round(waiting.seconds, 2),
      baselineTransactions: baseline.transactions,
      waitingTransactions: waiting.transactions,
      baselineTxPerSecond: round(baselineRate, 2),
      waitingTxPerSecond: round(waitingRate, 2),
      addedTxPerSecond: round(waitingRate - baselineRate, 2),
      openStreamsWhileWaiting: open.rows[0].n,
      apiPoolStatementsWhileWaiting: waiting.apiPoolBusy,
      baselineClaims: baseline.claims,
      waitingClaims: waiting.claims,
      activeBackendsWhileWaiting: state.rows[0].active,
      answeredEarly,
      closedByStop,
    };
  } finally {
    hangUp.abort();
    agent.destroy();
    await monitor.end();
    await benchMonitor.end();
  }
}
