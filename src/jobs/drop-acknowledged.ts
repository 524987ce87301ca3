/**
 * Schedules retention (retention/drop-acknowledged.ts) every
 * RETENTION_INTERVAL_S, the way expire-idle-streams.ts schedules expiry: the
 * job re-sends itself with `startAfter`, and the `short` policy with a
 * singleton key keeps at most one queued run, so with N processes (JOBS=on)
 * it still runs once per interval, and never two runs at once.
 */
import type PgBoss from 'pg-boss';
import type { RetentionSettings } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { createQueue } from './queue.js';
import { dropAcknowledgedMessages } from '../retention/drop-acknowledged.js';

export const DROP_ACKNOWLEDGED = 'drop-acknowledged';

/** Rest after each batch as long as it took: see retention/drop-acknowledged.ts for its effect on claims. */
export const RETENTION_REST_RATIO = 1;

export interface RetentionJobOptions {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  retention: RetentionSettings;
  /** Process shutdown: a run stops between batches and the next process goes on from there. */
  signal: AbortSignal;
}

export async function registerRetention(boss: PgBoss, { db, logger, metrics, retention, signal }: RetentionJobOptions): Promise<void> {
  const scheduleNext = (delayS: number) =>
    boss.send(DROP_ACKNOWLEDGED, {}, {
      startAfter: delayS,
      singletonKey: DROP_ACKNOWLEDGED,
      // A backlog of days (the first run after enabling) takes minutes; a dead runner's run is retried after this.
      expireInSeconds: Math.max(900, 4 * retention.intervalS),
      retryLimit: 1,
    });

  await createQueue(boss, DROP_ACKNOWLEDGED, 'short');
  await boss.work(DROP_ACKNOWLEDGED, { pollingIntervalSeconds: Math.max(0.5, Math.min(30, retention.intervalS / 2)) }, async () => {
    try {
      const started = performance.now();
      const olderThan = new Date(Date.now() - retention.hours * 3_600_000);
      let counted = { messages: 0, iterations: 0 };
      // Counted per committed batch, so a run cut short still shows what it deleted.
      const run = await dropAcknowledgedMessages(db, {
        olderThan,
        batch: retention.batch,
        restRatio: RETENTION_REST_RATIO,
        signal,
        onBatch(sofar) {
          metrics.retentionDropped.inc({ table: 'messages' }, sofar.messages - counted.messages);
          metrics.retentionDropped.inc({ table: 'iterations' }, sofar.iterations - counted.iterations);
          counted = sofar;
        },
      });
      metrics.retentionDropped.inc({ table: 'streams' }, run.streams);
      if (run.messages + run.iterations + run.streams > 0) {
        logger.info({ ...run, olderThan, ms: Math.round(performance.now() - started) }, 'retention dropped acknowledged messages');
      }
    } finally {
      // Even when stopping: the other processes keep the chain going.
      await scheduleNext(retention.intervalS);
    }
  });
  await scheduleNext(0);
}
