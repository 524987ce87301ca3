/**
 * Schedules the SPI's timeout (spi/deadlines.ts) every
 * `deadlineCheckIntervalS`, on processes with JOBS=on: the same self-resending
 * singleton as the stream expiry (expire-idle-streams.ts), so with N
 * processes it still runs once per interval, and each instruction is timed out
 * once (claimed with SKIP LOCKED) whichever process runs it; every process
 * keeps the chain going if its runner dies (queue.ts keepChainAlive).
 */
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { expireDueSettlements } from '../spi/deadlines.js';
import type { Waker } from '../stream/wakes.js';
import { createQueue, keepChainAlive } from './queue.js';

export const EXPIRE_SETTLEMENTS = 'expire-settlements';

export interface DeadlineOptions {
  db: Database;
  logger: Logger;
  waker: Waker;
  metrics: Metrics;
  deadlineCheckIntervalS: number;
  /** Process shutdown: stops this process's beat (queue.ts keepChainAlive). */
  signal: AbortSignal;
}

export async function registerSettlementDeadlines(boss: PgBoss, { db, logger, waker, metrics, deadlineCheckIntervalS, signal }: DeadlineOptions): Promise<void> {
  const scheduleNext = (delayS: number) =>
    boss.send(EXPIRE_SETTLEMENTS, {}, { startAfter: delayS, singletonKey: EXPIRE_SETTLEMENTS, expireInSeconds: Math.max(30, 4 * deadlineCheckIntervalS), retryLimit: 1 });

  await createQueue(boss, EXPIRE_SETTLEMENTS, 'short');
  await boss.work(EXPIRE_SETTLEMENTS, { pollingIntervalSeconds: Math.max(0.5, deadlineCheckIntervalS / 2) }, async () => {
    try {
      const expired = await expireDueSettlements(db, waker);
      metrics.spiDecided.inc({ outcome: 'rejected', reason: 'AB03' }, expired);
      if (expired > 0) logger.info({ expired }, 'rejected instructions past their deadline (AB03)');
    } finally {
      await scheduleNext(deadlineCheckIntervalS);
    }
  });
  await scheduleNext(0);
  keepChainAlive(() => scheduleNext(deadlineCheckIntervalS), 2 * deadlineCheckIntervalS, signal, logger);
}
