/**
 * Pending instructions past their deadline, locked and skipped by any other
 * process doing the same (SKIP LOCKED): each is timed out once, by one of
 * them, whichever runs first.
 */
import type { Queryable } from '../../db/database.js';
import { SETTLEMENT_COLUMNS, type Settlement } from './settlement-row.js';

export async function claimDue(db: Queryable, now: Date, limit: number): Promise<Settlement[]> {
  const { rows } = await db.query<Settlement>(
    {
      name: 'spi-claim-due',
      text: `SELECT ${SETTLEMENT_COLUMNS} FROM settlements
              WHERE state = 'pending' AND deadline_at <= $1
              ORDER BY deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    },
    [now, limit],
  );
  return rows;
}
