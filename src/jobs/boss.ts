/**
 * pg-boss: the only module that imports it. Background work lives in
 * PostgreSQL too, so any number of API processes can share it safely.
 * Every process can enqueue; only those with JOBS=on run workers.
 */
import PgBoss from 'pg-boss';
import type { RetentionSettings, SpiSettings } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Waker } from '../stream/wakes.js';
import type { GenerationQueue } from '../generation/service.js';
import { registerRetention } from './drop-acknowledged.js';
import { registerStreamExpiry } from './expire-idle-streams.js';
import { registerSettlementDeadlines } from './expire-settlements.js';
import { createGenerationQueue, workGenerationQueue } from './generate-messages.js';

export interface JobsOptions {
  databaseUrl: string;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  /** Wakes the receivers of generated messages. */
  waker: Waker;
  runWorkers: boolean;
  expiryCheckIntervalS: number;
  retention: RetentionSettings;
  /** The SPI's deadline job runs only when it settles. */
  spi: SpiSettings;
}

export interface Jobs {
  generationQueue: GenerationQueue;
  stop(): Promise<void>;
}

export async function startJobs(options: JobsOptions): Promise<Jobs> {
  const { logger, runWorkers } = options;
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    application_name: 'pix-stream-jobs',
    max: 3,
    schedule: false,
    // Maintenance (expiring stuck jobs, archiving) is a worker's duty. Every 15 s, not the
    // default 120 s, so a generation run that died with its process is retried within ~45 s.
    supervise: runWorkers,
    maintenanceIntervalSeconds: 15,
  });
  // pg-boss reports connection trouble here and retries by itself; without a listener it would crash the process.
  boss.on('error', (err) => logger.warn({ err }, 'pg-boss error'));
  await boss.start();
  const generationQueue = await createGenerationQueue(boss);
  const shutdown = new AbortController();
  if (runWorkers) {
    await registerStreamExpiry(boss, { ...options, signal: shutdown.signal });
    await registerRetention(boss, { ...options, signal: shutdown.signal });
    if (options.spi.settlement) await registerSettlementDeadlines(boss, { ...options, deadlineCheckIntervalS: options.spi.deadlineCheckIntervalS, signal: shutdown.signal });
    await workGenerationQueue(boss, generationQueue, options.db, options.waker, options.metrics, shutdown.signal);
    logger.info('background jobs started');
  }

  let stopping: Promise<void> | undefined;
  return {
    generationQueue,
    stop() {
      shutdown.abort(); // long jobs stop between chunks and resume on their next attempt
      stopping ??= boss.stop({ graceful: true, timeout: 5000, wait: true });
      return stopping;
    },
  };
}
