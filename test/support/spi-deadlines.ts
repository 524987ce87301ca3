/**
 * Times out the given instructions the way the recurring job does
 * (spi/deadlines.ts). Every test file shares one database, and any API
 * process with JOBS=on may claim the same due rows first (SKIP LOCKED), so
 * this runs the sweep until none of them is pending rather than counting
 * what this call itself timed out.
 */
import type { Database } from '../../src/db/database';
import { expireDueSettlements } from '../../src/spi/deadlines';

export async function timeOut(db: Database, instructionIds: string[], withinMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + withinMs;
  for (;;) {
    await expireDueSettlements(db, { wake: () => undefined });
    const { rows } = await db.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM settlements WHERE instruction_id = ANY ($1::text[]) AND state = 'pending'`,
      [instructionIds],
    );
    if (rows[0]!.pending === 0) return;
    if (Date.now() > giveUpAt) throw new Error(`${rows[0]!.pending} of ${instructionIds.length} instructions still pending after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
