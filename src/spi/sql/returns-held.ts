/** What is already returned or being returned of a transfer: settled returns plus pending ones (a new return may not take the sum above the transfer). */
import type { Queryable } from '../../db/database.js';

const HELD_SQL = `SELECT coalesce(sum(amount_cents), 0)::float8 AS cents FROM settlements
 WHERE kind = 'pacs.004' AND original_end_to_end_id = $1 AND state IN ('pending', 'settled')`;

export async function returnsHeld(db: Queryable, transferId: string): Promise<number> {
  const { rows } = await db.query<{ cents: number }>({ name: 'spi-returns-held', text: HELD_SQL }, [transferId]);
  return rows[0]!.cents;
}
