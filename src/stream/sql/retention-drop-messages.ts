/**
 * Retention, step 2 of a batch: the acknowledged messages of the picked
 * iterations. A message goes only if its *current* iteration is one of them
 * and acknowledged: a released batch's messages point at no iteration (pending)
 * or a newer one, and stay.
 *
 * Found through the iterations' message_ids and the primary key: there is no
 * index on messages.iteration_id (the claim would pay for one on every row).
 *
 * Its own statement, before the iterations are deleted: the statement trigger
 * messages_counted_delete (migrations/…-create-dashboard-counters.js) joins the
 * deleted rows to their iterations to subtract the acknowledged ones from the
 * dashboard's ledger. Deleting the iterations in the same statement would hide
 * them from it, and the dashboard would count those messages as pending.
 */
import type { Queryable } from '../../db/database.js';

const DROP_MESSAGES_SQL = `
DELETE FROM messages m
 USING iterations i
 WHERE i.id = ANY ($1::uuid[]) AND i.acked_at IS NOT NULL
   AND m.id = ANY (i.message_ids) AND m.iteration_id = i.id`;

/** Deletes the acknowledged messages of these iterations; returns how many. */
export async function dropAcknowledgedOf(db: Queryable, iterationIds: string[]): Promise<number> {
  if (iterationIds.length === 0) return 0;
  const { rowCount } = await db.query(DROP_MESSAGES_SQL, [iterationIds]);
  return rowCount ?? 0;
}
