/**
 * Step 8: what the ICOM traffic limit costs per request. Its statement
 * (src/limits/take-token.ts) called straight from 6 connections, 20,000 calls
 * per case, next to a bare `SELECT 1` on the same connections (the round trip
 * any statement pays):
 *
 * - spread: 800 participants (about the number of PIX participants), tokens
 *   always there: the common case, no two calls on one row at a time;
 * - hot: every call on ONE participant, tokens always there: all 6
 *   connections queue on that row's lock, the worst case for the lock;
 * - refused: one participant whose bucket is empty: the overload case, where
 *   the statement only locks and reads;
 * - hot on a LOGGED copy of the table (5,000 calls): why the table is UNLOGGED
 *   (with WAL, each holder keeps the row locked through its commit's flush).
 */
import type { Database } from '../src/db/database.js';
import { TAKE_TOKEN_SQL, takeToken, type BucketSize } from '../src/limits/take-token.js';
import { benchDatabase } from './claim-transaction.js';
import { cpu } from './cpu-split.js';
import { perSecond, progress, round, summarize, type LatencySummary } from './stats.js';

const CONNECTIONS = 6;
const CALLS = 20_000;
const LOGGED_CALLS = 5_000;
const PARTICIPANTS = 800;
/** Never runs dry within a case: every call takes a token. */
const ENDLESS: BucketSize = { capacity: 1_000_000, refillPerS: 1_000_000 };
/** Runs dry at the first call and gets one token a second: nearly every call is refused. */
const DRY: BucketSize = { capacity: 1, refillPerS: 1 };
const LOGGED_TABLE = 'bench_participant_buckets_logged';

export interface BucketRun {
  calls: number;
  /** Calls that took a token. */
  taken: number;
  seconds: number;
  callsPerSecond: number;
  latency: LatencySummary;
}

export interface TokenBucketResult {
  connections: number;
  participants: number;
  roundTrip: BucketRun;
  spread: BucketRun;
  hot: BucketRun;
  refused: BucketRun;
  hotLogged: BucketRun;
}

/** `calls` calls of `call` shared by CONNECTIONS loops (one pool connection each); latency per call. */
async function run(name: string, calls: number, call: (i: number) => Promise<boolean>): Promise<BucketRun> {
  const durations: number[] = [];
  let next = 0;
  let taken = 0;
  const span = cpu.span(name);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < calls) {
        const i = next++;
        const before = performance.now();
        if (await call(i)) taken += 1;
        durations.push(performance.now() - before);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  span.end();
  const result = { calls, taken, seconds: round(elapsedMs / 1000, 2), callsPerSecond: perSecond(calls, elapsedMs), latency: summarize(durations) };
  progress(`token bucket, ${name}: ${result.callsPerSecond} calls/s, p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, ${taken} taken`);
  return result;
}

async function takeFromLogged(db: Database, ispb: string, size: BucketSize): Promise<boolean> {
  const text = TAKE_TOKEN_SQL.replace('participant_buckets', LOGGED_TABLE);
  const { rowCount } = await db.query({ name: 'bench-take-token-logged', text }, [ispb, size.capacity, size.refillPerS]);
  return rowCount === 1;
}

export async function measureTokenBucket(databaseUrl: string): Promise<TokenBucketResult> {
  const db = benchDatabase(databaseUrl, CONNECTIONS);
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, () => db.query('SELECT 1'))); // connections open before any clock starts
    const participants = Array.from({ length: PARTICIPANTS }, (_, i) => `B${String(i).padStart(7, '0')}`);
    // Each participant's first call inserts its row; the cases measure the calls after it.
    for (const ispb of [...participants, 'H0000001', 'R0000001']) await takeToken(db, ispb, ispb === 'R0000001' ? DRY : ENDLESS);
    await db.query(`CREATE TABLE ${LOGGED_TABLE} (LIKE participant_buckets INCLUDING ALL) WITH (fillfactor = 50)`);
    await takeFromLogged(db, 'H0000001', ENDLESS);

    const roundTrip = await run('SELECT 1', CALLS, async () => (await db.query('SELECT 1'), true));
    const spread = await run(`spread over ${PARTICIPANTS}`, CALLS, (i) => takeToken(db, participants[i % PARTICIPANTS], ENDLESS));
    const hot = await run('hot participant', CALLS, () => takeToken(db, 'H0000001', ENDLESS));
    const refused = await run('refused', CALLS, () => takeToken(db, 'R0000001', DRY));
    const hotLogged = await run('hot participant, logged table', LOGGED_CALLS, () => takeFromLogged(db, 'H0000001', ENDLESS));
    await db.query(`DROP TABLE ${LOGGED_TABLE}`);
    return { connections: CONNECTIONS, participants: PARTICIPANTS, roundTrip, spread, hot, refused, hotLogged };
  } finally {
    await db.close();
  }
}
