/**
 * Runs outside jest's module system, so it loads the compiled sources
 * (`npm test` builds first).
 *
 * Runs once per `npm test`: a real PostgreSQL for the whole suite, migrated once.
 * DATABASE_URL set: that server. Unset: a fresh embedded cluster on a free port
 * with a data dir of its own (so it runs beside `npm start` and other runs).
 * Tests never clean up: each works under its own random ISPB.
 */
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../dist/src/db/embedded-postgres';
import { migrateToLatest } from '../dist/src/db/migrator';
import { createSequelize } from '../dist/src/db/sequelize';
import { freePort } from '../dist/src/lib/free-port';

const TEST_DATABASE = 'pix_stream_test';

export function testClusterDir(): string {
  return path.resolve('.data', `test-postgres-${process.pid}`);
}

async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres({
      // A cluster per run: two `npm test` at once must not share (and wipe) one.
      dataDir: testClusterDir(),
      port: await freePort(),
      database: 'postgres',
      logger: pino({ level: 'silent' }),
      // A throwaway cluster: durability settings off for speed; room for several API processes per test.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
    });
    await recreateDatabase(embedded.url, TEST_DATABASE);
    process.env.DATABASE_URL = embedded.url.replace(/\/postgres$/, `/${TEST_DATABASE}`);
    (globalThis as { embeddedPostgres?: typeof embedded }).embeddedPostgres = embedded;
  }
  const sequelize = createSequelize(process.env.DATABASE_URL);
  try {
    await migrateToLatest(sequelize, process.env.DATABASE_URL);
  } finally {
    await sequelize.close();
  }
}
