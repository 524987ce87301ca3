/**
 * Retention, last step: ended streams closed before the cutoff with no
 * iteration left. The NOT EXISTS, and the foreign key iterations.stream_id's
 * check of each deleted stream, each look up the stream's range in
 * iterations_by_stream (migrations/…-lean-claims.js): no scan of iterations.
 */
import type { Queryable } from '../../db/database.js';

const DROP_STREAMS_SQL = `
DELETE FROM streams
 WHERE id IN (SELECT s.id FROM streams s
               WHERE s.status <> 'open' AND s.closed_at < $1
                 AND NOT EXISTS (SELECT 1 FROM iterations i WHERE i.stream_id = s.id)
               LIMIT $2)`;

/** Deletes up to `limit` such streams; returns how many. */
export async function dropEndedStreams(db: Queryable, olderThan: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(DROP_STREAMS_SQL, [olderThan, limit]);
  return rowCount ?? 0;
}
