/**
 * Sets an open reserve account's balance for a rehearsal (PUT
 * /api/util/accounts/{ispb}): the difference is booked as one adjustment
 * entry, whose counterpart is the SPI's own books. Run inside a transaction
 * after openAccounts; the first statement locks the account, so two PUTs and
 * a settlement take their turns. Returns the account after.
 */
import type { Queryable } from '../../db/database.js';
import type { AccountRow } from './read-account.js';

const LOCK_SQL = `SELECT balance_cents::float8 AS cents FROM accounts WHERE ispb = $1 FOR UPDATE`;

const ADJUST_SQL = `WITH after AS (
  UPDATE accounts SET balance_cents = $2, updated_at = $4 WHERE ispb = $1
  RETURNING ispb, balance_cents, opened_at, updated_at
), entry AS (
  INSERT INTO ledger_entries (movement_id, ispb, kind, amount_cents, balance_after_cents, booked_at)
  SELECT nextval('ledger_movements'), $1, 'adjustment', $2::bigint - $3::bigint, $2, $4 WHERE $2::bigint <> $3::bigint
)
SELECT ispb, balance_cents::float8 AS "balanceCents", opened_at AS "openedAt", updated_at AS "updatedAt" FROM after`;

export async function adjustBalance(db: Queryable, ispb: string, cents: number, at: Date): Promise<AccountRow> {
  const { rows: locked } = await db.query<{ cents: number }>({ name: 'spi-lock-account', text: LOCK_SQL }, [ispb]);
  const { rows } = await db.query<AccountRow>({ name: 'spi-adjust-balance', text: ADJUST_SQL }, [ispb, cents, locked[0]!.cents, at]);
  return rows[0]!;
}
