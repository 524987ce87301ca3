/**
 * The SPI as the dashboard shows it: per participant, what the SPI decided in
 * the last `windowS` seconds (settled, rejected by reason) with the settled
 * ones' latency (accepted → decided), and reserve balances. A participant
 * counts every instruction it was party to, as payer or as receiver. Reads
 * only the window's rows, through the settlements_decided index.
 */
import type { Queryable } from '../../db/database.js';

export interface SettlementStats {
  ispb: string;
  settled: number;
  /** Rejections in the window by reason code (AB03, AM04, the receiver's own…). */
  rejections: Record<string, number>;
  /** Settled instructions' accepted → decided time, null when none settled. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface AccountBalance {
  ispb: string;
  balanceCents: number;
  updatedAt: Date;
}

const DECIDED_SQL = `
WITH decided AS (
  SELECT debtor_ispb, creditor_ispb, state, reason, extract(epoch FROM decided_at - accepted_at) * 1000 AS ms
    FROM settlements
   WHERE decided_at >= now() - make_interval(secs => $1)
), sides AS (
  SELECT debtor_ispb AS ispb, state, reason, ms FROM decided
  UNION ALL
  SELECT creditor_ispb, state, reason, ms FROM decided
)
SELECT ispb, state, reason, count(*)::int AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
  FROM sides
 GROUP BY ispb, state, reason`;

interface DecidedRow {
  ispb: string;
  state: 'settled' | 'rejected';
  reason: string | null;
  n: number;
  p50: number;
  p95: number;
}

export async function readSettlementStats(db: Queryable, windowS: number): Promise<SettlementStats[]> {
  const { rows } = await db.query<DecidedRow>(DECIDED_SQL, [windowS]);
  const byIspb = new Map<string, SettlementStats>();
  for (const row of rows) {
    const stats = byIspb.get(row.ispb) ?? { ispb: row.ispb, settled: 0, rejections: {}, latencyP50Ms: null, latencyP95Ms: null };
    byIspb.set(row.ispb, stats);
    if (row.state === 'settled') Object.assign(stats, { settled: row.n, latencyP50Ms: row.p50, latencyP95Ms: row.p95 });
    else stats.rejections[row.reason ?? '?'] = row.n;
  }
  return [...byIspb.values()];
}

/** The accounts that moved last, newest first: the dashboard shows a page of participants, not all of them. */
const BALANCES_SQL = `SELECT ispb, balance_cents, updated_at FROM accounts ORDER BY updated_at DESC LIMIT $1`;

export async function readRecentBalances(db: Queryable, limit: number): Promise<AccountBalance[]> {
  const { rows } = await db.query<{ ispb: string; balance_cents: string; updated_at: Date }>(BALANCES_SQL, [limit]);
  return rows.map((row) => ({ ispb: row.ispb, balanceCents: Number(row.balance_cents), updatedAt: row.updated_at }));
}
