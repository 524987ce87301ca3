/**
 * A batch delivered before, for a repeated pull-next URI (a lost response):
 * its bodies joined into one text, in delivery order, and whether it was
 * acknowledged since (then it must not be replayed).
 */
import type { Queryable } from '../../db/database.js';
import { MESSAGE_JSON_SQL } from './message-json.js';

export interface DeliveredBatch {
  acked: boolean;
  count: number;
  bodies: string;
}

export async function replayBatch(db: Queryable, iterationId: string): Promise<DeliveredBatch> {
  const { rows } = await db.query(
    `SELECT n.acked_at IS NOT NULL AS acked, cardinality(n.message_ids) AS count,
            (SELECT string_agg(${MESSAGE_JSON_SQL}, ',' ORDER BY m.seq)
               FROM messages m WHERE m.id = ANY (n.message_ids)) AS bodies
       FROM iterations n WHERE n.id = $1`,
    [iterationId],
  );
  return { acked: rows[0].acked, count: rows[0].count, bodies: rows[0].bodies ?? '' };
}
