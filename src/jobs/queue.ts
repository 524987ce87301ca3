import type PgBoss from 'pg-boss';
import { retryOnDeadlock } from '../db/deadlock.js';
import type { Logger } from '../lib/logger.js';

/**
 * Creates a queue unless it exists. pg-boss creates each queue (and its
 * partition) in one transaction, and two processes starting together on a
 * fresh database deadlocked there (40P01: an API process failed to start in
 * the crash test). The victim was rolled back; on its second run it finds the
 * queue made and leaves it.
 */
export function createQueue(boss: PgBoss, name: string, policy: 'short' | 'standard'): Promise<void> {
  return retryOnDeadlock(() => boss.createQueue(name, { name, policy }));
}

/**
 * Keeps a self-resending chain going when the process running it dies. Its run
 * then stays active until pg-boss expires it (expireInSeconds, noticed at the
 * next maintenance: up to 45 s at a 1 s interval) and no run is queued
 * meanwhile, so every process queues one every `everyS` itself; the `short`
 * policy drops it while one is queued. Only for jobs whose runs may overlap
 * (each claims its rows with SKIP LOCKED).
 */
export function keepChainAlive(queueRun: () => Promise<unknown>, everyS: number, signal: AbortSignal, logger: Logger): void {
  const beat = setInterval(() => queueRun().catch((err: unknown) => logger.warn({ err }, 'could not queue the next run')), everyS * 1000);
  beat.unref();
  signal.addEventListener('abort', () => clearInterval(beat), { once: true });
}
