/**
 * Checks of the delivery guarantees straight from the database, for tests that
 * make things go wrong (crashed processes, restarts).
 */
import type { Database } from '../../src/db/database';

export interface DeliveryAudit {
  messages: number;
  /** Messages not acknowledged by exactly one iteration. */
  notAckedExactlyOnce: number;
  /** Pairs of deliveries of one message where the earlier stream was still open when the later batch was handed out. */
  overlappingDeliveries: number;
  /** Messages handed out more than once (after an expiry released them). */
  redelivered: number;
}

export async function auditDeliveries(db: Database, ispb: string): Promise<DeliveryAudit> {
  const { rows } = await db.query(
    `WITH delivery AS (
       SELECT unnest(i.message_ids) AS message_id, i.id AS iteration_id, i.created_at, i.acked_at, s.closed_at
         FROM iterations i JOIN streams s ON s.id = i.stream_id
        WHERE s.ispb = $1
     ), per_message AS (
       SELECT m.id, count(d.iteration_id) AS deliveries, count(d.acked_at) AS acks
         FROM messages m LEFT JOIN delivery d ON d.message_id = m.id
        WHERE m.receiver_ispb = $1
        GROUP BY m.id
     )
     SELECT (SELECT count(*) FROM per_message)::int AS messages,
            (SELECT count(*) FROM per_message WHERE acks <> 1)::int AS not_acked_exactly_once,
            (SELECT count(*) FROM per_message WHERE deliveries > 1)::int AS redelivered,
            (SELECT count(*) FROM delivery a JOIN delivery b
                 ON a.message_id = b.message_id AND a.iteration_id <> b.iteration_id AND a.created_at <= b.created_at
              WHERE a.closed_at IS NULL OR a.closed_at > b.created_at)::int AS overlapping`,
    [ispb],
  );
  const row = rows[0];
  return {
    messages: row.messages,
    notAckedExactlyOnce: row.not_acked_exactly_once,
    overlappingDeliveries: row.overlapping,
    redelivered: row.redelivered,
  };
}
