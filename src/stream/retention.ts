/**
 * Retention: acknowledged messages leave the hot tables once older than
 * RETENTION_HOURS, with the iterations that delivered them and, last, the
 * ended streams left without iterations. Scheduled by jobs/drop-acknowledged.ts.
 *
 * Batched deletes, each batch its own short transaction (pick, delete
 * messages, delete iterations), rather than time partitions: partitioning
 * `messages` by created_at would put every claim's UPDATE and the pending
 * partial indexes across partitions, while batches touch only rows no
 * collector will ever claim again. A
 * claim never waits on a batch: the batch locks only acknowledged rows and
 * released iterations, which no claim reads.
 *
 * Measured cost (bench/retention.ts; 2 shared cores, embedded PostgreSQL 18;
 * other tenants took 0-120 % of a core):
 *   rows  batch  rest  deleted         pull p50 / p99 during  (before)
 *   10M     100  1x    45,800 msg/s    3.7 / 17.8 ms          (1.9 / 4.9 ms)   busy machine
 *   1M      100  1x    21,200 msg/s    2.8 /  8.3 ms          (2.1 / 4.2 ms)   quiet machine
 *   1M    1,000  none  121,900 msg/s   7.9 / 38.7 ms          (1.6 / 5.4 ms)
 *   1M    1,000  1x    59,700 msg/s    4.5 / 27.4 ms          (1.8 / 9.7 ms)
 * (the 1,000-iteration trials ran before the pick's keyset became an index
 * condition). With iterations_by_stream (migration 20261125001100), two more
 * 1M runs on a quiet machine deleted 13,606 and 14,901 msg/s, pull p99 21.7
 * and 16.2 ms during (7.1 and 8.4 ms before).
 * So RETENTION_BATCH defaults to 100 with a rest as long as each batch took
 * (jobs/drop-acknowledged.ts): half the claim tail of 1,000-iteration batches,
 * and still about three to nine times the 5,000 msg/s inflow the project aims at.
 * The foreign keys messages.iteration_id and iterations.next_id are gone
 * (migration 20261125001100): neither column is indexed, and with them every
 * deleted iteration cost a scan of both tables (at 300,000 rows a batch of
 * 1,000 iterations ran past the 30 s statement timeout).
 *
 * Dashboard: the delete trigger subtracts the deleted acknowledged messages
 * from the ISPB ledger, one ledger row per batch; the run folds the ledger at
 * the end so it stays one row per ISPB.
 */
import type { Database } from '../db/database.js';
import { foldIspbCounts } from './sql/dashboard-counts.js';
import { dropAcknowledgedOf } from './sql/retention-drop-messages.js';
import { dropIterations } from './sql/retention-drop-iterations.js';
import { dropEndedStreams } from './sql/retention-drop-streams.js';
import { pickExpiredIterations, type IterationCursor } from './sql/retention-pick.js';

export interface RetentionOptions {
  /** Rows created (iterations) or closed (streams) before this go. */
  olderThan: Date;
  /** Iterations per transaction (each about 10 messages). */
  batch: number;
  /**
   * After each batch, rest this many times as long as the batch took (0: none;
   * 1: at most half of one core goes to deleting).
   */
  restRatio?: number;
  /** Stops between batches (process shutdown); what was deleted stays deleted. */
  signal?: AbortSignal;
  /** Called after each committed batch of iterations, with the run's totals so far. */
  onBatch?: (sofar: RetentionRun) => void;
}

export interface RetentionRun {
  messages: number;
  iterations: number;
  streams: number;
  batches: number;
}

function rest(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

export async function dropAcknowledgedMessages(db: Database, options: RetentionOptions): Promise<RetentionRun> {
  const { olderThan, batch, signal } = options;
  const run: RetentionRun = { messages: 0, iterations: 0, streams: 0, batches: 0 };
  let cursor: IterationCursor | undefined;
  while (!signal?.aborted) {
    const started = performance.now();
    const done = await db.transaction(async (client) => {
      const picked = await pickExpiredIterations(client, olderThan, batch, cursor);
      cursor = picked.cursor ?? cursor;
      run.messages += await dropAcknowledgedOf(client, picked.ids);
      run.iterations += await dropIterations(client, picked.ids);
      return picked.ids.length < batch;
    });
    run.batches += 1;
    options.onBatch?.({ ...run });
    if (done) break;
    if (options.restRatio) await rest((performance.now() - started) * options.restRatio, signal);
  }
  while (!signal?.aborted) {
    const dropped = await dropEndedStreams(db, olderThan, batch);
    run.streams += dropped;
    if (dropped < batch) break;
  }
  // The trigger appended a ledger row per batch; the dashboard reads (and folds) it too, but a quiet one might not for a while.
  await foldIspbCounts(db);
  return run;
}
