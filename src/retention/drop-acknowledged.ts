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
 * RETENTION_BATCH (config.ts) is 100 iterations, with a rest as long as each
 * batch took (jobs/drop-acknowledged.ts), committed synchronously. A pull beside
 * a run waits for the WAL the deletes wrote, so its tail follows the batch, but
 * small batches pay a fixed cost each (five round trips, a commit, the
 * triggers' ledger row) and leave no margin over a 5,000 msg/s inflow:
 * batches of 10 deleted 4,890 messages/s with 10,000,000 rows present
 * (docs/performance.md, Levers tried and dropped). Asynchronous commits gave
 * no better tail.
 * No foreign keys on messages.iteration_id and iterations.next_id (migration
 * 20261125001100): neither column is indexed, so each would make every
 * deleted iteration a scan of both tables.
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
