/**
 * The SPI's timeout (docs/spi.md): a pending instruction not settled by its
 * deadline is rejected AB03, and both sides are told. Run by a recurring job
 * on the processes with JOBS=on (jobs/expire-settlements.ts): each due
 * instruction is claimed with SKIP LOCKED, so it is timed out once across any
 * number of processes; an answer arriving past the deadline before the job
 * ran times it out itself (answers.ts). A participant with the late-AB03
 * fault on (docs/faults.md) gets its report held back (held-reports.ts).
 */
import type { Database } from '../db/database.js';
import type { Waker } from '../stream/wakes.js';
import { insertPosted } from '../inbound/sql/insert-posted.js';
import { countFaults, holdReports, readLateAb03 } from '../virtual/sql/faults.js';
import { expire } from './answers.js';
import { claimDue } from './sql/claim-due.js';

const BATCH = 200;

/** Times out every instruction due at `now`; returns how many. */
export async function expireDueSettlements(db: Database, waker: Waker, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const receivers = await db.transaction(async (client) => {
      const due = await claimDue(client, now, BATCH);
      const rows = [];
      for (const s of due) {
        const handled = await expire(client, s, now, null);
        if ('rows' in handled) rows.push(...handled.rows);
      }
      const late = await readLateAb03(client, [...new Set(rows.map((row) => row.receiverIspb))]);
      const toStore = rows.filter((row) => !late.has(row.receiverIspb));
      const held = rows.flatMap((row) => (late.has(row.receiverIspb) ? [{ ispb: row.receiverIspb, releaseAfterS: late.get(row.receiverIspb)!, row }] : []));
      await holdReports(client, held);
      await countFaults(client, held.map((h) => ({ ispb: h.ispb, fault: 'lateAb03' as const, n: 1 })));
      await insertPosted(client, toStore);
      return { count: due.length, ispbs: new Set(toStore.map((row) => row.receiverIspb)) };
    });
    waker.wake(receivers.ispbs);
    total += receivers.count;
    if (receivers.count < BATCH) return total;
  }
}
