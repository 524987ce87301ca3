/**
 * The SPI's AB03 reports held back for a participant with the late-AB03
 * fault on (spi/deadlines.ts holds them): stored in its stream once due, in
 * the transaction that takes them, so each is stored once whichever process
 * releases it. Run by the virtual participants' worker.
 */
import type { Database } from '../db/database.js';
import { insertPosted, type OutboundRow } from '../inbound/sql/insert-posted.js';
import type { Waker } from '../stream/wakes.js';
import { takeDueReports } from './sql/faults.js';

/** Stores the held reports that are due; how many. */
export async function releaseHeldReports(db: Database, waker: Waker): Promise<number> {
  const rows = await db.transaction(async (client) => {
    const due = (await takeDueReports(client, 500)) as OutboundRow[];
    await insertPosted(client, due);
    return due;
  });
  waker.wake(new Set(rows.map((row) => row.receiverIspb)));
  return rows.length;
}
