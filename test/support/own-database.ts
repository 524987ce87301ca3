/**
 * A migrated database of one test file's own, for the tests of scheduled jobs.
 * pg-boss keeps at most one queued run of a job per database, so on the suite's
 * shared database another server's queued run (due after its own, longer
 * interval) decides when the job next runs, and a test waiting seconds for it
 * fails now and then. Embedded: a cluster of its own; DATABASE_URL: a database
 * of its own on that server, dropped afterwards.
 */
import { prepareDatabase, type PreparedDatabase } from '../../testkit/database';

export interface OwnDatabase {
  url: string;
  release(): Promise<void>;
}

export async function ownDatabase(label: string): Promise<OwnDatabase> {
  const prepared: PreparedDatabase = await prepareDatabase({
    database: `pix_stream_${label.replace(/-/g, '_')}`,
    clusterLabel: label,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  return { url: prepared.url, release: () => prepared.release({ dropDatabase: true }) };
}
