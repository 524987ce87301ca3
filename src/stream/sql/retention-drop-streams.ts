/**
 * Retention, last step: ended streams closed before the cutoff with no
 * iteration left. There is no index on iterations.stream_id, so the NOT EXISTS
 * is one hashed scan of iterations per statement, and the foreign key
 * iterations.stream_id checks each deleted stream with a scan of its own. Both
 * run after the iterations steps, when the table holds only the retention
 * window; a stream is one row per collector session, so there are few.
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
