/**
 * Totals of the SPI for the metrics' gauges, read at scrape time: pending
 * instructions through the partial index settlements_due, and the sum of the
 * reserve accounts (one row per participant).
 */
import type { Queryable } from '../../db/database.js';

export async function countPendingInstructions(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>({ name: 'spi-count-pending', text: `SELECT count(*)::int AS n FROM settlements WHERE state = 'pending'` });
  return rows[0]!.n;
}

export async function sumReserveCents(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ cents: string }>({ name: 'spi-sum-reserves', text: 'SELECT coalesce(sum(balance_cents), 0)::text AS cents FROM accounts' });
  return Number(rows[0]!.cents);
}
