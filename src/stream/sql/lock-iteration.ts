/** Locks an iteration and its stream until the transaction ends (DELETE of a pull-next URI waits for a pull in progress). */
import type { Queryable } from '../../db/database.js';
import type { IterationFacts } from '../verdict.js';

export interface LockedIteration extends IterationFacts {
  id: string;
  streamId: number;
}

export async function lockIteration(db: Queryable, iterationId: string): Promise<LockedIteration | null> {
  const { rows } = await db.query(
    `SELECT i.id, i.stream_id, i.next_id, s.ispb, s.status, s.face
       FROM iterations i JOIN streams s ON s.id = i.stream_id
      WHERE i.id = $1
        FOR UPDATE OF i, s`,
    [iterationId],
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, streamId: row.stream_id, ispb: row.ispb, face: row.face, streamStatus: row.status, nextId: row.next_id };
}
