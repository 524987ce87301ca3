import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { translateDatabaseError, translatingErrors } from './errors.js';

// NUMERIC arrives as text by default; valor fits a double exactly to the cent at numeric(12,2).
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
// BIGINT ids stay far below 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** What repositories need: the pool itself (Database) or a client inside a transaction. */
export interface Queryable {
  /** A `{ name, text }` config makes it a prepared statement, parsed and planned once per connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The raw `pg` pool behind the hot path. Every query goes through `query` or
 * `transaction`, so an outage is translated to a 503 in one place.
 */
export class Database implements Queryable {
  readonly pool: pg.Pool;

  private closed = false;

  /** `applicationName` tells this pool's sessions apart in pg_stat_activity. */
  constructor(readonly connectionString: string, max: number, logger: Logger, applicationName = 'pix-stream') {
    this.pool = new pg.Pool({
      connectionString,
      max,
      application_name: applicationName,
      // Also how long a request may queue for a free connection: a burst of a
      // thousand long polls ending together must queue, not fail. A database that
      // is down refuses connections at once, so outages still answer 503 promptly.
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      // A request never waits behind a stuck lock for longer than a long poll would.
      // Generic plans: the hot path's prepared statement is written to plan well
      // without its values, and re-planning it on every run cost a third of the
      // database's time (13,100 -> 19,400 messages/s, 6 direct collectors).
      // No sequential scan where an index can serve: every statement here reads by
      // key, and a generic plan is kept until the next ANALYZE. One made while a
      // table is nearly empty (a fresh database, the first minute of a rehearsal)
      // read it whole, once per row: the pull statement's mean reached 6.3 ms and
      // the backlog never drained (docs/performance.md, Levers kept;
      // test/stream/plan-fresh-database.test.ts). No JIT: a short statement never
      // repays compiling, and where no index serves, the disabled scan's cost
      // would cross the JIT threshold.
      options: '-c lock_timeout=5000 -c statement_timeout=30000 -c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c jit=off',
    });
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on('error', (err) =>
      logger.warn({ code: (err as { code?: string }).code, reason: err.message }, 'idle database connection lost'),
    );
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return translatingErrors(() => this.pool.query<R>(text as pg.QueryConfig, values));
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await translatingErrors(() => this.pool.connect());
    // A checked-out client has no pool listener: without ours, a connection lost
    // between two statements would be an unhandled 'error' event and crash the process.
    let broken = false;
    const onConnectionError = () => (broken = true);
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw translateDatabaseError(err);
    } finally {
      client.removeListener('error', onConnectionError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
