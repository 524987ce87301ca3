/**
 * Moves an instruction's money, double entry: the debtor's account debited
 * and the creditor's credited in one statement, or neither when the debtor's
 * balance is short (the CHECK would refuse a negative one anyway; here it is
 * a condition, so a short balance is an answer, AM04, not an error). The two
 * accounts are locked in ISPB order first, so two settlements between the
 * same pair in opposite directions wait for each other instead of deadlocking.
 * Returns whether the money moved.
 */
import type { Queryable } from '../../db/database.js';

const LOCK_PAIR_SQL = `SELECT ispb FROM accounts WHERE ispb = ANY ($1::text[]) ORDER BY ispb FOR UPDATE`;

const BOOK_SQL = `WITH debit AS (
  UPDATE accounts SET balance_cents = balance_cents - $3, updated_at = $4
   WHERE ispb = $1 AND balance_cents >= $3
  RETURNING ispb, balance_cents
), credit AS (
  UPDATE accounts SET balance_cents = balance_cents + $3, updated_at = $4
   WHERE ispb = $2 AND EXISTS (SELECT 1 FROM debit)
  RETURNING ispb, balance_cents
), movement AS (
  SELECT nextval('ledger_movements') AS id FROM debit
), entries AS (
  INSERT INTO ledger_entries (movement_id, ispb, kind, amount_cents, balance_after_cents, reference, booked_at)
  SELECT m.id, d.ispb, $5, -$3::bigint, d.balance_cents, $6, $4 FROM movement m, debit d
  UNION ALL
  SELECT m.id, c.ispb, $5, $3::bigint, c.balance_cents, $6, $4 FROM movement m, credit c
)
SELECT count(*)::int AS booked FROM debit`;

export interface Booking {
  debtorIspb: string;
  creditorIspb: string;
  amountCents: number;
  kind: 'transfer' | 'return';
  /** The instruction's id: the ledger entries' reference. */
  reference: string;
  at: Date;
}

/** Locks these accounts in ISPB order (those already locked by this transaction: at once). */
export async function lockAccounts(db: Queryable, ispbs: readonly string[]): Promise<void> {
  if (ispbs.length === 0) return;
  await db.query({ name: 'spi-lock-account-pair', text: LOCK_PAIR_SQL }, [[...new Set(ispbs)]]);
}

export async function bookSettlement(db: Queryable, b: Booking): Promise<boolean> {
  await lockAccounts(db, [b.debtorIspb, b.creditorIspb]);
  const { rows } = await db.query<{ booked: number }>({ name: 'spi-book-settlement', text: BOOK_SQL }, [b.debtorIspb, b.creditorIspb, b.amountCents, b.at, b.kind, b.reference]);
  return rows[0]!.booked === 1;
}
