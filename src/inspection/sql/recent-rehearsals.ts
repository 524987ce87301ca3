/** The dashboard's rehearsals: under way or settled in the last `recentS` seconds, with 99999A03's payments sent so far. */
import type { Queryable } from '../../db/database.js';

export interface RecentRehearsal {
  id: string;
  ispb: string;
  perMinute: number;
  minutes: number;
  startedAt: Date;
  endsAt: Date;
  settledBy: Date;
  stoppedAt: Date | null;
  sent: number;
  total: number;
}

export async function readRecentRehearsals(db: Queryable, recentS: number, limit: number): Promise<RecentRehearsal[]> {
  const { rows } = await db.query(
    `SELECT r.id, r.ispb, r.per_minute, r.minutes, r.started_at, r.ends_at, r.settled_by, r.stopped_at, coalesce(p.sent, 0) AS sent, coalesce(p.total, 0) AS total
       FROM rehearsals r LEFT JOIN virtual_payment_runs p ON p.id = r.payment_run_id
      WHERE r.settled_by > now() - make_interval(secs => $1)
      ORDER BY r.started_at DESC LIMIT $2`,
    [recentS, limit],
  );
  return rows.map((r) => ({
    id: r.id, ispb: r.ispb, perMinute: r.per_minute, minutes: r.minutes, startedAt: r.started_at, endsAt: r.ends_at,
    settledBy: r.settled_by, stoppedAt: r.stopped_at, sent: r.sent, total: r.total,
  })); // prettier-ignore
}
