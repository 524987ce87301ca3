/**
 * Whether retention can run at a sane cost: the foreign keys
 * messages.iteration_id and iterations.next_id (dropped by migration
 * 20261125001100) make every deleted iteration scan both tables, since neither
 * column is indexed. Returns the keys still present and the planner's row
 * estimate of messages (pg_class.reltuples: no scan).
 */
import type { Queryable } from '../../db/database.js';

const FOREIGN_KEYS_SQL = `
SELECT coalesce(array_agg(conname::text ORDER BY conname) FILTER (WHERE conname IS NOT NULL), '{}') AS keys,
       (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'messages'::regclass) AS message_rows
  FROM pg_constraint
 WHERE conname IN ('messages_iteration_id_fkey', 'iterations_next_id_fkey')`;

export async function iterationForeignKeys(db: Queryable): Promise<{ keys: string[]; messageRows: number }> {
  const { rows } = await db.query(FOREIGN_KEYS_SQL);
  return { keys: rows[0].keys, messageRows: Number(rows[0].message_rows) };
}
