/** How many messages stand where, counted: per ISPB (view message_delivery) and pending overall, the truth tests and the benchmark check against. */
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
            count(*) FILTER (WHERE state = 'pending')::int AS pending,
            count(*) FILTER (WHERE state = 'in_flight')::int AS in_flight,
            count(*) FILTER (WHERE state = 'acknowledged')::int AS acked,
            count(*) FILTER (WHERE delivery_count > 1)::int AS redelivered
       FROM message_delivery WHERE receiver_ispb = $1`,
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
