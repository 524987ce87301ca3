/**
 * What the many-ISPBs step watches while it runs, once a second: the API
 * process's resident memory (/proc/<pid>/status of the child the harness
 * started), the database connections open to the bench database
 * (pg_stat_activity, read from the admin database so the reading connection
 * is not among them), the ISPBs' pending backlog, and (ten times a second)
 * what the database's active backends wait on.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { BENCH_DATABASE } from './harness.js';

/** VmRSS and VmHWM (peak) of a process in MiB; undefined without /proc or once it is gone. */
export function residentMiB(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rss: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** Backends connected to the bench database, by application_name, not counting the bench's own monitor. */
export async function benchConnections(admin: pg.Client, monitorName: string): Promise<{ total: number; byApplication: Record<string, number> }> {
  const { rows } = await admin.query(
    `SELECT coalesce(nullif(application_name, ''), backend_type) AS name, count(*)::int AS n
       FROM pg_stat_activity WHERE datname = $1 AND application_name <> $2 GROUP BY 1 ORDER BY 1`,
    [BENCH_DATABASE, monitorName],
  );
  const byApplication: Record<string, number> = {};
  for (const row of rows) byApplication[row.name] = row.n;
  return { total: rows.reduce((sum, row) => sum + row.n, 0), byApplication };
}

/**
 * What the bench database's active backends are waiting on right now, one `type:event` each
 * ('CPU' when not waiting): sampled often, the counts say where the time goes (WAL flushes,
 * locks, the NOTIFY queue's commit lock shows as Lock:object, or CPU).
 */
export async function activeWaits(admin: pg.Client, monitorName: string): Promise<string[]> {
  const { rows } = await admin.query(
    `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait
       FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND application_name <> $2`,
    [BENCH_DATABASE, monitorName],
  );
  return rows.map((row) => row.wait);
}

export interface Snapshot {
  /** Pending (iteration_id IS NULL) messages of the step's ISPBs. */
  pending: number;
  /** The database's clock_timestamp() as text (exact, for window bounds) and as epoch ms. */
  at: string;
  atMs: number;
}

/** One reading: pending backlog and the database's clock, in one statement. */
export async function snapshot(db: pg.Client, ispbs: string[]): Promise<Snapshot> {
  const { rows } = await db.query(
    `SELECT c.now::text AS at, (extract(epoch FROM c.now) * 1000)::float8 AS at_ms,
            (SELECT count(*) FROM deliveries WHERE receiver_ispb = ANY ($1::char(8)[]) AND iteration_id IS NULL)::int AS pending
       FROM (SELECT clock_timestamp() AS now) c`,
    [ispbs],
  );
  return { pending: rows[0].pending, at: rows[0].at, atMs: rows[0].at_ms };
}

/**
 * The database's clock minus this process's wall clock (performance.timeOrigin + now()), which the
 * collectors stamp receipts with: the best of 5 readings, ± half its round trip. On one machine it is
 * the same clock, so this should be ~0; it is printed so a latency can be trusted.
 */
export async function clockOffset(db: pg.Client): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  let best = { offsetMs: NaN, uncertaintyMs: Infinity };
  for (let i = 0; i < 5; i += 1) {
    const before = performance.timeOrigin + performance.now();
    const { rows } = await db.query('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms');
    const after = performance.timeOrigin + performance.now();
    const uncertaintyMs = (after - before) / 2;
    if (uncertaintyMs < best.uncertaintyMs) best = { offsetMs: rows[0].ms - (before + after) / 2, uncertaintyMs };
  }
  return { offsetMs: Math.round(best.offsetMs * 100) / 100, uncertaintyMs: Math.round(best.uncertaintyMs * 100) / 100 };
}
