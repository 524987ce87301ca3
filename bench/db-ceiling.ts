/**
 * Step 7: the database's ceiling for the stream's work without HTTP.
 * 6 node "collectors", each with its own stream and pool connection (pool max 6),
 * run the service's per-pull transaction (claim-transaction.ts), batch 10,
 * on a fresh ISPB with 300,000 pending, for a fixed time or until drained.
 */
import type { Database } from '../src/db/database.js';
import { BATCH, benchDatabase, closeDirectStream, openDirectStream, pull, takeDeadlocks } from './claim-transaction.js';
import { seed, settle } from './generation-rate.js';
import type { HttpClient } from './http-client.js';
import { cpu } from './cpu-split.js';
import { perSecond, progress, round } from './stats.js';

export interface CeilingRun {
  messages: number;
  transactions: number;
  seconds: number;
  drained: boolean;
  messagesPerSecond: number;
  transactionsPerSecond: number;
  /** Pulls aborted by PostgreSQL as deadlocks, and retried. */
  deadlocks: number;
}

export interface CeilingResult extends CeilingRun {
  collectors: number;
  batch: number;
  pending: number;
  /** The same loop on the rows left, commits not waiting for the WAL flush: how much of the ceiling is commit latency. */
  asyncCommitReference?: CeilingRun;
}

async function runCollectors(http: HttpClient, db: Database, ispb: string, collectors: number, durationMs: number, name: string): Promise<CeilingRun> {
  const streams = await Promise.all(Array.from({ length: collectors }, () => openDirectStream(http, ispb)));
  // Open the pool's connections before the clock starts.
  await Promise.all(Array.from({ length: collectors }, () => db.query('SELECT 1')));
  let messages = 0;
  let transactions = 0;
  let drained = false;
  takeDeadlocks();
  const span = cpu.span(name);
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    streams.map(async (stream) => {
      while (!drained && performance.now() < deadline) {
        const claimed = await pull(db, stream, BATCH);
        transactions += 1;
        if (claimed === 0) drained = true;
        messages += claimed;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  span.end();
  for (const stream of streams) await closeDirectStream(http, stream);
  return {
    messages,
    transactions,
    seconds: round(elapsedMs / 1000, 2),
    drained,
    messagesPerSecond: perSecond(messages, elapsedMs),
    transactionsPerSecond: perSecond(transactions, elapsedMs),
    deadlocks: takeDeadlocks(),
  };
}

export async function measureCeiling(
  http: HttpClient,
  databaseUrl: string,
  ispb: string,
  options: { collectors?: number; pending?: number; durationMs?: number; asyncCommitReference?: boolean } = {},
): Promise<CeilingResult> {
  const collectors = options.collectors ?? 6;
  const pending = options.pending ?? 300_000;
  const durationMs = options.durationMs ?? 10_000;
  progress(`db ceiling: seeding ${pending} messages for ${ispb}`);
  await seed(http, ispb, pending);
  const durable = benchDatabase(databaseUrl, collectors);
  let result: CeilingResult;
  try {
    await settle(durable);
    progress(`db ceiling: ${collectors} direct collectors for ${durationMs / 1000} s`);
    result = { collectors, batch: BATCH, pending, ...(await runCollectors(http, durable, ispb, collectors, durationMs, 'db ceiling')) };
  } finally {
    await durable.close();
  }
  if (options.asyncCommitReference === false || result.drained) return result;
  const relaxed = benchDatabase(databaseUrl, collectors);
  // All six connections at once, so each gets the setting and the pool keeps them for the run.
  const clients = await Promise.all(Array.from({ length: collectors }, () => relaxed.pool.connect()));
  for (const client of clients) await client.query('SET synchronous_commit = off');
  for (const client of clients) client.release();
  try {
    progress(`db ceiling: reference run with synchronous_commit=off for ${durationMs / 1000} s`);
    result.asyncCommitReference = await runCollectors(http, relaxed, ispb, collectors, durationMs, 'db ceiling, sync commit off');
  } finally {
    await relaxed.close();
  }
  return result;
}
