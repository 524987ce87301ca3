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
 * Measured cost, `BENCH_RETENTION_ROWS=1000000 BENCH_RETENTION_BATCH=B
 * BENCH_RETENTION_REST=R node dist/bench/run.js --only retention` (2 cores,
 * embedded PostgreSQL 18, 2026-12-05; a paced pull every 20 ms beside the run,
 * whose p99 was 3.3-5.3 ms before it):
 *   batch  rest  deleted (messages/s)     pull p50 / p99 while deleting
 *     100  1x    39,600 / 37,500          2.7 / 17.7, 2.8 / 17.8 ms
 *     100  3x    22,000                   2.5 / 11.0 ms
 *      20  3x    10,800                   2.3 /  8.7 ms
 *      10  1x    17,900 / 13,200 / 15,800 2.2 / 8.7, 2.2 / 9.6, 2.4 / 9.1 ms
 *       5  1x     9,950                   2.2 / 10.5 ms
 * A pull's median doubles whatever the batch (its commit flushes the WAL the
 * deletes wrote before it: IO:WalSync was 44 % of the pull's samples during a
 * run against CPU 40 %), but its tail follows the batch: each commit of a
 * large batch is one long flush that the pulls queue behind. Yet small batches
 * pay a fixed cost each (five round trips, a commit, the triggers' ledger row):
 * with 10,000,000 rows, batches of 10 deleted 4,100-8,600 messages/s (per
 * 500,000) over the first 3,000,000 and 3,200-5,100 after (4,890 on average
 * over 4,490,000 messages, then stopped), against 33,000-46,000 with batches of 100: no margin over the
 * 5,000 msg/s inflow the project aims at. So RETENTION_BATCH stays 100
 * (config.ts), with a rest as long as each batch took (jobs/drop-acknowledged.ts),
 * and the tail while deleting stays about 2-6x the one before. Committing the
 * batches asynchronously (synchronous_commit off) deleted faster (23,000
 * messages/s with batches of 10) without a better tail (p99 8.6 ms; 31.3 ms
 * with batches of 100), so commits stay synchronous.
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
import { foldIspbCounts } from '../inspection/sql/ispb-counts.js';
import { dropAcknowledgedOf } from './sql/drop-messages.js';
import { dropIterations } from './sql/drop-iterations.js';
import { dropEndedStreams } from './sql/drop-streams.js';
import { pickExpiredIterations, type IterationCursor } from './sql/pick-batch.js';

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
