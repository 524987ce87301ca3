/** Test data. Every test works under ISPBs of its own, so tests may run in any order and in parallel. */
import { randomInt } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { generateMessages } from '../../src/generation/generator';
import { MESSAGES_CHANNEL } from '../../src/stream/channel';
import { countMessagesByState } from '../../src/inspection/sql/count-messages';
import type { Waker } from '../../src/stream/wakes';

export function randomIspb(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** The test process has no long polls of its own to wake. */
export const noWaitersHere: Waker = { wake: () => undefined };

/**
 * Inserts `count` generated messages for the ISPB through the real generator
 * (no HTTP), then wakes the API processes' collectors as another process's
 * generator would: by an untagged NOTIFY, which every listener acts on.
 */
export async function seedMessages(db: Database, ispb: string, count: number): Promise<number> {
  const created = await generateMessages(db, noWaitersHere, ispb, count);
  await db.query('SELECT pg_notify($1, $2)', [MESSAGES_CHANNEL, ispb]);
  return created;
}

/** Where the ISPB's messages stand, read from the database. */
export const messageCounts = countMessagesByState;
