/**
 * Schedules the engine's expiry (stream/expiry.ts) every `expiryCheckIntervalS`.
 *
 * pg-boss cron has minute granularity, too coarse for a 60 s idle timeout, so
 * the job re-sends itself with `startAfter`. The queue's `short` policy keeps at
 * most one queued run, so with N processes it still runs once per interval.
 */
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { createQueue, keepChainAlive } from './queue.js';
import { expireIdleStreams } from '../stream/expiry.js';

export const EXPIRE_IDLE_STREAMS = 'expire-idle-streams';

export interface ExpiryOptions {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  expiryCheckIntervalS: number;
  /** Process shutdown: stops this process's beat (queue.ts keepChainAlive). */
  signal: AbortSignal;
}

export async function registerStreamExpiry(boss: PgBoss, { db, logger, metrics, expiryCheckIntervalS, signal }: ExpiryOptions): Promise<void> {
  const scheduleNext = (delayS: number) =>
    boss.send(EXPIRE_IDLE_STREAMS, {}, {
      startAfter: delayS,
      singletonKey: EXPIRE_IDLE_STREAMS,
      // If the process running it dies, pg-boss expires the run and retries it, and the chain goes on.
      expireInSeconds: Math.max(30, 4 * expiryCheckIntervalS),
      retryLimit: 1,
    });

  await createQueue(boss, EXPIRE_IDLE_STREAMS, 'short');
  await boss.work(EXPIRE_IDLE_STREAMS, { pollingIntervalSeconds: Math.max(0.5, expiryCheckIntervalS / 2) }, async () => {
    try {
      const { ended, released } = await expireIdleStreams(db, metrics);
      if (ended > 0) logger.info({ expired: ended, released }, 'expired idle streams');
    } finally {
      await scheduleNext(expiryCheckIntervalS);
    }
  });
  await scheduleNext(0);
  keepChainAlive(() => scheduleNext(expiryCheckIntervalS), 2 * expiryCheckIntervalS, signal, logger);
}
