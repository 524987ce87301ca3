/**
 * Opens a stream with its root iteration. The root stands for the start request
 * itself: it has no batch to acknowledge, and pulling on it is how start claims.
 * The stream keeps the idle timeout it was opened with (see migrations/…-create-streams.js).
 */
import type { Queryable } from '../../db/database.js';
import type { StreamFace } from '../../db/models/stream.js';

export async function insertStream(db: Queryable, ispb: string, face: StreamFace, rootIterationId: string, idleTimeoutS: number): Promise<number> {
  const { rows } = await db.query(
    `WITH stream AS (
       INSERT INTO streams (ispb, face, idle_timeout, expires_at)
       VALUES ($1, $4, make_interval(secs => $3), now() + make_interval(secs => $3))
       RETURNING id
     )
     INSERT INTO iterations (id, stream_id, acked_at) SELECT $2, id, now() FROM stream RETURNING stream_id`,
    [ispb, rootIterationId, idleTimeoutS, face],
  );
  return rows[0].stream_id;
}
