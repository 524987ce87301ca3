/**
 * Acknowledges the batch delivered with an iteration's URI: one write on the
 * iteration, not one per message (see migrations/…-create-messages.js).
 * Returns how many messages that acknowledged (0 if already acknowledged).
 */
import type { Queryable } from '../../db/database.js';

export async function ackIteration(db: Queryable, iterationId: string): Promise<number> {
  const { rows } = await db.query(
    `UPDATE iterations SET acked_at = now() WHERE id = $1 AND acked_at IS NULL RETURNING cardinality(message_ids) AS acked`,
    [iterationId],
  );
  return rows[0]?.acked ?? 0;
}
