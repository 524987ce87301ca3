/**
 * The collector limit's statements. Starts of one ISPB are serialised by an
 * advisory lock held until the transaction ends, so counting and opening are
 * one decision across every API process.
 */
import type { Queryable } from '../../db/database.js';

// Two-key advisory lock namespace for "open a stream on this ISPB".
const COLLECTOR_LOCK_NAMESPACE = 7_260_002;

/** ISPBs are alphanumeric on ICOM: hashed to the lock's 32-bit key (two ISPBs sharing a key only take turns). */
export async function lockCollectorSlots(db: Queryable, ispb: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [COLLECTOR_LOCK_NAMESPACE, ispb]);
}

export async function countOpenStreams(db: Queryable, ispb: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb]);
  return rows[0].open;
}

/** Open streams of every ISPB (a metric; the partial index keeps it cheap). */
export async function countAllOpenStreams(db: Queryable): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS open FROM streams WHERE status = 'open'`);
  return rows[0].open;
}

/** Seconds until the quietest open stream of the ISPB would expire: when a slot may free up. */
export async function secondsUntilSlotFrees(db: Queryable, ispb: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT ceil(extract(epoch FROM min(expires_at) - now()))::int AS seconds
       FROM streams WHERE ispb = $1 AND status = 'open'`,
    [ispb],
  );
  return Math.max(1, rows[0].seconds ?? 1);
}
