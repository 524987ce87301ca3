/**
 * Whether an ISPB has a message its face could claim: one read of the pending
 * index, no row locks, so no transaction id and no commit to flush. A woken
 * collector looks before it claims (service.ts): a claim that finds nothing
 * still locks its iteration and stream, a transaction flushed to disk.
 * One text per face with the claim's own filter (pull-batch-sql.ts CLAIMABLE_BY),
 * so each generic plan uses that face's partial index.
 */
import type { Queryable } from '../../db/database.js';
import type { StreamFace } from '../../db/models/stream.js';
import { CLAIMABLE_BY } from './pull-batch-sql.js';

// The first row in the index's own order, not EXISTS: the generic plan (the pool forces generic
// plans) of an EXISTS guessed a Seq Scan would find a row at once, and for an ISPB whose rows sit
// at the end of a 600,000-row table it read them all (77 ms against 0.4 ms through the index;
// embedded PostgreSQL 18, two other ISPBs of 300,000). EXISTS drops an ORDER BY; this keeps it.
const hasPendingSql = (face: StreamFace) =>
  `SELECT (SELECT seq FROM deliveries WHERE receiver_ispb = $1 AND iteration_id IS NULL${CLAIMABLE_BY[face]}
            ORDER BY receiver_ispb, seq LIMIT 1) IS NOT NULL AS pending`;
export const HAS_PENDING_SQL: Record<StreamFace, { name: string; text: string }> = {
  challenge: { name: 'pix-has-pending-challenge', text: hasPendingSql('challenge') },
  icom: { name: 'pix-has-pending-icom', text: hasPendingSql('icom') },
};

export async function hasPending(db: Queryable, ispb: string, face: StreamFace): Promise<boolean> {
  const { rows } = await db.query<{ pending: boolean }>({ ...HAS_PENDING_SQL[face], values: [ispb] });
  return rows[0].pending;
}
