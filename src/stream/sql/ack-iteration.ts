/**
 * Acknowledges the batch delivered with an iteration's URI: one write on the
 * iteration, not one per message (see migrations/…-create-messages.js), and
 * counted on its stream for the dashboard (migrations/…-create-dashboard-counters.js).
 * Returns how many messages that acknowledged (0 if already acknowledged).
 */
import type { Queryable } from '../../db/database.js';

export async function ackIteration(db: Queryable, iterationId: string): Promise<number> {
  const { rows } = await db.query(
    `WITH acked AS (
       UPDATE iterations SET acked_at = now() WHERE id = $1 AND acked_at IS NULL
       RETURNING stream_id, cardinality(message_ids) AS acked
     ), counted AS (
       UPDATE streams s SET acked_messages = s.acked_messages + acked.acked FROM acked WHERE s.id = acked.stream_id
     )
     SELECT acked FROM acked`,
    [iterationId],
  );
  return rows[0]?.acked ?? 0;
}
