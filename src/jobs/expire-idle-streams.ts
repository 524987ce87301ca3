/**
 * Expires streams unseen for STREAM_IDLE_TIMEOUT_S and puts their
 * unacknowledged messages back to pending, every `expiryCheckIntervalS`.
 *
 * pg-boss cron has minute granularity, too coarse for a 60 s idle timeout, so
 * the job re-sends itself with `startAfter`. The queue's `short` policy keeps at
 * most one queued run, so with N processes it still runs once per interval.
 */
import type PgBoss from 'pg-boss';
import { expireIdleStreams } from '../pix/stream-repository.js';
import type { JobsOptions } from './boss.js';

export const EXPIRE_IDLE_STREAMS = 'expire-idle-streams';

export async function registerStreamExpiry(boss: PgBoss, options: JobsOptions): Promise<void> {
  const { db, logger, metrics, expiryCheckIntervalS } = options;
  const scheduleNext = (delayS: number) =>
    boss.send(EXPIRE_IDLE_STREAMS, {}, {
      startAfter: delayS,
      singletonKey: EXPIRE_IDLE_STREAMS,
      // If the process running it dies, pg-boss expires the run and retries it, and the chain goes on.
      expireInSeconds: Math.max(30, 4 * expiryCheckIntervalS),
      retryLimit: 1,
    });

  await boss.createQueue(EXPIRE_IDLE_STREAMS, { name: EXPIRE_IDLE_STREAMS, policy: 'short' });
  await boss.work(EXPIRE_IDLE_STREAMS, { pollingIntervalSeconds: Math.max(0.5, expiryCheckIntervalS / 2) }, async () => {
    try {
      const { ended, released } = await db.transaction((client) => expireIdleStreams(client, null));
      if (ended > 0) {
        metrics.streamsEnded.inc({ how: 'expired' }, ended);
        logger.info({ expired: ended, released }, 'expired idle streams');
      }
    } finally {
      await scheduleNext(expiryCheckIntervalS);
    }
  });
  await scheduleNext(0);
}
