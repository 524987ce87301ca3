/** Test data. Every test works under ISPBs of its own, so tests may run in any order and in parallel. */
import { randomInt } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { generateMessages } from '../../src/generation/generator';
import { countMessagesByState } from '../../src/stream/sql/count-messages';

export function randomIspb(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** Inserts `count` generated messages for the ISPB through the real generator (no HTTP). */
export function seedMessages(db: Database, ispb: string, count: number): Promise<number> {
  return generateMessages(db, ispb, count);
}

/** Where the ISPB's messages stand, read from the database. */
export const messageCounts = countMessagesByState;
