/**
 * Retention, step 3 of a batch: the picked iterations themselves, once no
 * message's delivery points at them any more (checked through message_ids and
 * the primary key, the same rows step 2 deleted). With or without foreign keys
 * on deliveries.iteration_id and iterations.next_id this never leaves a dangling
 * reference: the messages are gone, and predecessors go first (see retention-pick.ts).
 */
import type { Queryable } from '../../db/database.js';

const DROP_ITERATIONS_SQL = `
DELETE FROM iterations i
 WHERE i.id = ANY ($1::uuid[])
   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = ANY (i.message_ids) AND d.iteration_id = i.id)`;

export async function dropIterations(db: Queryable, iterationIds: string[]): Promise<number> {
  if (iterationIds.length === 0) return 0;
  const { rowCount } = await db.query(DROP_ITERATIONS_SQL, [iterationIds]);
  return rowCount ?? 0;
}
