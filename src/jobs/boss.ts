/**
 * pg-boss: the only module that imports it. Background work lives in
 * PostgreSQL too, so any number of API processes can run it safely.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import { registerStreamExpiry } from './expire-idle-streams.js';

export interface JobsOptions {
  databaseUrl: string;
  db: Database;
  logger: Logger;
  streamIdleTimeoutS: number;
  expiryCheckIntervalS: number;
}

export interface Jobs {
  stop(): Promise<void>;
}

export async function startJobs(options: JobsOptions): Promise<Jobs> {
  const { logger } = options;
  const boss = new PgBoss({ connectionString: options.databaseUrl, max: 2, schedule: false });
  // pg-boss reports connection trouble here and retries by itself; without a listener it would crash the process.
  boss.on('error', (err) => logger.warn({ err }, 'pg-boss error'));
  await boss.start();
  await registerStreamExpiry(boss, options);
  logger.info('background jobs started');

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= boss.stop({ graceful: true, timeout: 5000, wait: true });
      return stopping;
    },
  };
}
