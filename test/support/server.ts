/** Starts the real API process in-process (port 0) against the suite's database, or the DATABASE_URL passed. */
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';
import { Database } from '../../src/db/database';
import { defineModels, type Models } from '../../src/db/models';
import { createSequelize } from '../../src/db/sequelize';
import { startServer, type RunningServer } from '../../src/server';

/** Short timeouts so long-poll and expiry tests finish in seconds. */
export const TEST_ENV = {
  PORT: '0',
  LONG_POLL_TIMEOUT_MS: '400',
  STREAM_IDLE_TIMEOUT_S: '30',
  JOBS: 'off',
  LOG_LEVEL: 'silent',
  DB_POOL_MAX: '10',
  SHUTDOWN_TIMEOUT_MS: '5000',
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...TEST_ENV, DATABASE_URL: process.env.DATABASE_URL, ...overrides });
}

export interface TestServer extends RunningServer {
  /** A pool of the test's own, for arranging data and checking the database directly. */
  db: Database;
  /** The Sequelize models, on a connection of the test's own. */
  models: Models;
}

export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const logger = pino({ level: config.logLevel });
  const server = await startServer(config, logger);
  // The server's own database: the suite's, or one a test passed in DATABASE_URL.
  const databaseUrl = overrides.DATABASE_URL ?? process.env.DATABASE_URL!;
  const db = new Database(databaseUrl, 4, logger);
  const sequelize = createSequelize(databaseUrl);
  return {
    url: server.url,
    port: server.port,
    db,
    models: defineModels(sequelize),
    async stop() {
      await server.stop();
      await db.close();
      await sequelize.close();
    },
  };
}
