/** Test data. Every test works under ISPBs of its own, so tests may run in any order and in parallel. */
import { randomInt } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { generateMessages } from '../../src/pix/message-generator';

export function randomIspb(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** Inserts `count` generated messages for the ISPB through the real generator (no HTTP). */
export function seedMessages(db: Database, ispb: string, count: number): Promise<number> {
  return generateMessages(db, ispb, count);
}

export interface MessageCounts {
  total: number;
  pending: number;
  inFlight: number;
  acked: number;
  deliveredMoreThanOnce: number;
}

export async function messageCounts(db: Database, ispb: string): Promise<MessageCounts> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE state = 'pending')::int AS pending,
            count(*) FILTER (WHERE state = 'in_flight')::int AS in_flight,
            count(*) FILTER (WHERE state = 'acknowledged')::int AS acked,
            count(*) FILTER (WHERE delivery_count > 1)::int AS redelivered
       FROM message_delivery WHERE receiver_ispb = $1`,
    [ispb],
  );
  const row = rows[0];
  return { total: row.total, pending: row.pending, inFlight: row.in_flight, acked: row.acked, deliveredMoreThanOnce: row.redelivered };
}
