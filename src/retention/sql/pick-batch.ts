/**
 * Retention, step 1 of a batch: which iterations may go. Acknowledged ones,
 * and released ones (acked_at NULL) of ended streams, created before the
 * cutoff, oldest first through iterations_created_at. Never an open stream's
 * current iteration: that is the only unacknowledged iteration an open stream has.
 *
 * Oldest first keeps next_id chains whole: an iteration's predecessor was
 * created (and committed) before it, so it is picked in the same batch or an
 * earlier one, and no surviving row ever points at a deleted one.
 *
 * Keyset, not OFFSET or "from the start again": each batch starts after the
 * last row the previous one picked. Starting over would walk the index
 * entries of every row deleted earlier in the run (dead until vacuum), making
 * a long run quadratic. `created_at` travels as text: a JS Date drops the
 * microseconds, and the next batch would pick the last row again.
 */
import type { Queryable } from '../../db/database.js';

export interface IterationCursor {
  createdAt: string;
  id: string;
}

// Both bounds plain range conditions, so both are the index scan's (an `$3 IS NULL OR ...`
// made the generic plan, which the pool forces, start every batch at the oldest entry).
const PICK_SQL = `
SELECT i.id, i.created_at::text AS created_at
  FROM iterations i
 WHERE i.created_at >= $3::timestamptz AND i.created_at < $1
   AND (i.created_at, i.id) > ($3::timestamptz, $4::uuid)
   AND (i.acked_at IS NOT NULL OR EXISTS (SELECT 1 FROM streams s WHERE s.id = i.stream_id AND s.status <> 'open'))
 ORDER BY i.created_at, i.id
 LIMIT $2`;

/** Up to `limit` iteration ids past `after`; the cursor to continue from, or undefined when none was found. */
export async function pickExpiredIterations(
  db: Queryable,
  olderThan: Date,
  limit: number,
  after: IterationCursor | undefined,
): Promise<{ ids: string[]; cursor: IterationCursor | undefined }> {
  const { rows } = await db.query<{ id: string; created_at: string }>(PICK_SQL, [olderThan, limit, after?.createdAt ?? '-infinity', after?.id ?? '00000000-0000-0000-0000-000000000000']);
  const last = rows.at(-1);
  return { ids: rows.map((row) => row.id), cursor: last && { createdAt: last.created_at, id: last.id } };
}
