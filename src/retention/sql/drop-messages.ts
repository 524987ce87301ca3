/**
 * Retention, step 2 of a batch: the acknowledged messages of the picked
 * iterations. A message goes only if its *current* iteration is one of them
 * and acknowledged: a released batch's messages point at no iteration (pending)
 * or a newer one, and stay.
 *
 * Found through the iterations' message_ids and the primary keys: there is no
 * index on deliveries.iteration_id (the claim would pay for one on every row).
 * Their rows in deliveries go with them (trigger messages_queued_delete,
 * migrations/…-deliveries.js).
 *
 * Its own statement, before the iterations are deleted: the statement trigger
 * deliveries_counted_delete joins the deleted rows to their iterations to
 * subtract the acknowledged ones from the dashboard's ledger. Deleting the
 * iterations in the same statement would hide them from it, and the dashboard
 * would count those messages as pending.
 */
import type { Queryable } from '../../db/database.js';

const DROP_MESSAGES_SQL = `
DELETE FROM messages m
 USING iterations i, deliveries d
 WHERE i.id = ANY ($1::uuid[]) AND i.acked_at IS NOT NULL
   AND d.message_id = ANY (i.message_ids) AND d.iteration_id = i.id AND m.id = d.message_id`;

/** Deletes the acknowledged messages of these iterations; returns how many. */
export async function dropAcknowledgedOf(db: Queryable, iterationIds: string[]): Promise<number> {
  if (iterationIds.length === 0) return 0;
  const { rowCount } = await db.query(DROP_MESSAGES_SQL, [iterationIds]);
  return rowCount ?? 0;
}
