/**
 * How many messages stand where, counted: per ISPB and pending overall, the
 * truth tests and the benchmark check against. Per ISPB it reads the states as
 * the view message_delivery defines them, but from deliveries by its own
 * receiver_ispb: the view filters on messages.receiver_ispb, which no index
 * serves, and scanned the wide messages table (1,954 ms against 187 ms on
 * 553,000 rows of PostgreSQL 15 while the suite ran; tests poll this as they wait).
 */
import type { Queryable } from '../../db/database.js';

export interface MessageStateCounts {
  total: number;
  pending: number;
  inFlight: number;
  acked: number;
  /** Messages handed out more than once (released by an ended stream, then delivered again). */
  redelivered: number;
}

export async function countMessagesByState(db: Queryable, ispb: string): Promise<MessageStateCounts> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE d.iteration_id IS NULL)::int AS pending,
            count(*) FILTER (WHERE d.iteration_id IS NOT NULL AND i.acked_at IS NULL)::int AS in_flight,
            count(*) FILTER (WHERE i.acked_at IS NOT NULL)::int AS acked,
            count(*) FILTER (WHERE d.delivery_count > 1)::int AS redelivered
       FROM deliveries d LEFT JOIN iterations i ON i.id = d.iteration_id
      WHERE d.receiver_ispb = $1`,
    [ispb],
  );
  const row = rows[0];
  return { total: row.total, pending: row.pending, inFlight: row.in_flight, acked: row.acked, redelivered: row.redelivered };
}

/** Pending messages of every ISPB, counted through the partial index deliveries_pending (the backlog gauge reads dashboard-counts.ts instead). */
export async function countAllPendingMessages(db: Queryable): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS pending FROM deliveries WHERE iteration_id IS NULL`);
  return rows[0].pending;
}
