/**
 * Opens the reserve accounts of participants seen for the first time, at the
 * opening balance, each with its opening entry in the ledger; accounts
 * already open are left as they are. One statement, safe under concurrency
 * (two first posts of one participant: the second waits, then skips).
 */
import type { Queryable } from '../../db/database.js';

const OPEN_ACCOUNTS_SQL = `WITH opened AS (
  INSERT INTO accounts (ispb, balance_cents, opened_at, updated_at)
  SELECT DISTINCT i, $2::bigint, $3::timestamptz, $3::timestamptz FROM unnest($1::text[]) AS u (i)
  ON CONFLICT (ispb) DO NOTHING
  RETURNING ispb, balance_cents
)
INSERT INTO ledger_entries (movement_id, ispb, kind, amount_cents, balance_after_cents, booked_at)
SELECT nextval('ledger_movements'), ispb, 'opening', balance_cents, balance_cents, $3 FROM opened`;

export async function openAccounts(db: Queryable, ispbs: readonly string[], openingCents: number, at: Date): Promise<void> {
  if (ispbs.length === 0) return;
  await db.query({ name: 'spi-open-accounts', text: OPEN_ACCOUNTS_SQL }, [[...new Set(ispbs)].sort(), openingCents, at]);
}
