/** A reserve account and, for camt.052 and the statement route, its entries booked in a period. */
import type { Queryable } from '../../db/database.js';

export interface AccountRow {
  ispb: string;
  balanceCents: number;
  openedAt: Date;
  updatedAt: Date;
}

export interface EntryRow {
  id: number;
  movementId: number;
  kind: 'opening' | 'adjustment' | 'transfer' | 'return';
  amountCents: number;
  balanceAfterCents: number;
  reference: string | null;
  bookedAt: Date;
}

export async function readAccount(db: Queryable, ispb: string): Promise<AccountRow | undefined> {
  const { rows } = await db.query<AccountRow>(
    {
      name: 'spi-read-account',
      text: `SELECT ispb, balance_cents::float8 AS "balanceCents", opened_at AS "openedAt", updated_at AS "updatedAt" FROM accounts WHERE ispb = $1`,
    },
    [ispb],
  );
  return rows[0];
}

/** Entries booked in [from, to), oldest first, at most `limit`. */
export async function readEntries(db: Queryable, ispb: string, from: Date, to: Date, limit: number): Promise<EntryRow[]> {
  const { rows } = await db.query<EntryRow>(
    {
      name: 'spi-read-entries',
      text: `SELECT id::float8 AS id, movement_id::float8 AS "movementId", kind, amount_cents::float8 AS "amountCents",
                    balance_after_cents::float8 AS "balanceAfterCents", reference, booked_at AS "bookedAt"
               FROM ledger_entries WHERE ispb = $1 AND booked_at >= $2 AND booked_at < $3 ORDER BY booked_at, id LIMIT $4`,
    },
    [ispb, from, to, limit],
  );
  return rows;
}

export async function countEntries(db: Queryable, ispb: string, from: Date, to: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    { name: 'spi-count-entries', text: `SELECT count(*)::int AS n FROM ledger_entries WHERE ispb = $1 AND booked_at >= $2 AND booked_at < $3` },
    [ispb, from, to],
  );
  return rows[0]!.n;
}
