/**
 * Runs once per `npm test`: a real PostgreSQL for the whole suite, migrated
 * once (testkit/database.ts: DATABASE_URL, else a fresh embedded cluster of
 * this run's own, so it runs beside `npm start` and other runs). Tests never
 * clean up: each works under its own random ISPB.
 *
 * Runs outside jest's module system, so it loads the compiled helper (`npm test` builds first).
 */
import { prepareDatabase, type PreparedDatabase } from '../dist/testkit/database';

export default async function globalSetup(): Promise<void> {
  const prepared = await prepareDatabase({
    database: 'pix_stream_test',
    clusterLabel: 'test-postgres',
    // A throwaway cluster: durability settings off for speed; room for several API processes per test.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
  });
  process.env.DATABASE_URL = prepared.url;
  (globalThis as { preparedDatabase?: PreparedDatabase }).preparedDatabase = prepared;
}
