/**
 * Step 6: does a claim stay O(batch) as delivered rows pile up?
 * The service's per-pull statement (claim-transaction.ts), timed 2,000 times
 * on an ISPB with 50,000 pending and no delivered rows; then 2,000,000
 * delivered-and-acknowledged rows are loaded for that same ISPB with SQL,
 * EXPLAIN of the claim, and 2,000 pulls timed again. VACUUM ANALYZE runs
 * before each phase, so both start alike: claimed rows leave dead entries at
 * the head of the pending index until vacuum, and the first phase must not
 * pay for those while the second does not.
 */
import pg from 'pg';
import type { Database } from '../src/db/database.js';
import { benchDatabase, closeDirectStream, explainPull, openDirectStream, pull, takeDeadlocks, type DirectStream } from './claim-transaction.js';
import { seed } from './generation-rate.js';
import type { HttpClient } from './http-client.js';
import { cpu } from './cpu-split.js';
import { progress, round, summarize, type LatencySummary } from './stats.js';
import { insertClosedStream } from './raw-ceiling.js';

const PENDING = 50_000;
const PULLS = 2_000;
const WARM_UP_PULLS = 10;
const DELIVERED = 2_000_000;
const LOAD_STATEMENTS = 4;

export interface ClaimLatencyResult {
  pending: number;
  pulls: number;
  empty: LatencySummary;
  loaded: LatencySummary;
  /** The prepared pull statement alone (EXPLAIN ANALYZE, rolled back), with 2M delivered rows: median ms. */
  pullPlanningMs: number;
  pullExecutionMs: number;
  /** The generic plan a prepared statement may switch to. */
  explainGeneric: string;
  deliveredRowsLoaded: number;
  loadSeconds: number;
  vacuumAnalyzeSeconds: number;
  vacuumBeforeSeconds: number;
  explain: string;
  usesPendingIndex: boolean;
  seqScanOfMessages: boolean;
  ratioP50: number;
  ratioP99: number;
  /** Pulls aborted as deadlocks and retried (one sequential collector: should be 0). */
  deadlocks: number;
}

export async function timedPulls(db: Database, stream: DirectStream, count: number, name: string): Promise<LatencySummary> {
  for (let i = 0; i < WARM_UP_PULLS; i += 1) await pull(db, stream);
  const durations: number[] = [];
  const span = cpu.span(name);
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const claimed = await pull(db, stream);
    durations.push(performance.now() - started);
    if (claimed === 0) throw new Error(`ran out of pending messages after ${i} pulls`);
  }
  span.end();
  return summarize(durations);
}

/**
 * 2,000,000 rows for `ispb`, delivered by one dummy (closed) stream's iteration and acknowledged.
 * Their seq is negative, so they sort *before* every pending row: the worst case for any plan
 * that walks an ordered index over all rows instead of the pending-only partial index.
 */
async function loadDelivered(databaseUrl: string, ispb: string): Promise<{ loadSeconds: number; vacuumSeconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const parties = await client.query(
      `SELECT array_agg(DISTINCT payer_id) AS payers, array_agg(DISTINCT receiver_id) AS receivers
         FROM (SELECT payer_id, receiver_id FROM messages WHERE receiver_ispb = $1 LIMIT 5000) s`,
      [ispb],
    );
    const { payers, receivers } = parties.rows[0];
    const streamId = await insertClosedStream(client, ispb);
    const iteration = await client.query(
      `INSERT INTO iterations (id, stream_id, acked_at) VALUES (gen_random_uuid(), $1, now()) RETURNING id`,
      [streamId],
    );
    const iterationId = iteration.rows[0].id;
    const started = performance.now();
    const perStatement = DELIVERED / LOAD_STATEMENTS;
    for (let k = 0; k < LOAD_STATEMENTS; k += 1) {
      progress(`claim latency: loading delivered rows ${k * perStatement + 1}..${(k + 1) * perStatement}`);
      // Triggers off for this transaction (a superuser's setting): the rows' deliveries are written here,
      // already delivered, instead of queued as pending by messages_queued_insert.
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(
        `WITH stored AS (
           INSERT INTO messages (seq, end_to_end_id, valor, payer_id, receiver_id, receiver_ispb, tx_id, paid_at)
           SELECT -g, 'EBENCH' || lpad(g::text, 26, '0'), 1 + (g % 99999) / 100.0,
                  p.payers[1 + g % cardinality(p.payers)], p.receivers[1 + g % cardinality(p.receivers)],
                  $1, 'BENCHTX' || lpad(g::text, 20, '0'), now() - make_interval(secs => g % 86400)
             FROM generate_series($3::int, $4::int) g,
                  (SELECT $5::bigint[] AS payers, $6::bigint[] AS receivers) p
           RETURNING id, seq)
         INSERT INTO deliveries (message_id, receiver_ispb, seq, transfer, iteration_id, delivery_count)
         SELECT id, $1, seq, true, $2, 1 FROM stored`,
        [ispb, iterationId, k * perStatement + 1, (k + 1) * perStatement, payers, receivers],
      );
      await client.query('COMMIT');
    }
    const loadSeconds = (performance.now() - started) / 1000;
    return { loadSeconds, vacuumSeconds: await vacuumAnalyze(databaseUrl) };
  } finally {
    await client.end();
  }
}

async function vacuumAnalyze(databaseUrl: string): Promise<number> {
  progress('claim latency: VACUUM ANALYZE messages');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('VACUUM ANALYZE messages');
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

export async function measureClaimLatency(http: HttpClient, databaseUrl: string, ispb: string): Promise<ClaimLatencyResult> {
  progress(`claim latency: seeding ${PENDING} messages for ${ispb}`);
  await seed(http, ispb, PENDING);
  const db = benchDatabase(databaseUrl, 2);
  try {
    // Both phases start vacuumed, so the only difference between them is the delivered rows.
    const vacuumBeforeSeconds = await vacuumAnalyze(databaseUrl);
    progress(`claim latency: ${PULLS} pulls with 0 delivered rows`);
    const first = await openDirectStream(http, ispb);
    const empty = await timedPulls(db, first, PULLS, 'claim pulls, 0 delivered');
    await closeDirectStream(http, first);

    const { loadSeconds, vacuumSeconds } = await loadDelivered(databaseUrl, ispb);
    const second = await openDirectStream(http, ispb);
    const plan = await explainPull(db, second);
    progress(`claim latency: ${PULLS} pulls with ${DELIVERED} delivered rows; plan ${plan.line}`);
    const loaded = await timedPulls(db, second, PULLS, 'claim pulls, 2M delivered');
    await closeDirectStream(http, second);
    return {
      pending: PENDING,
      pulls: PULLS,
      empty,
      loaded,
      deliveredRowsLoaded: DELIVERED,
      loadSeconds: round(loadSeconds, 1),
      vacuumAnalyzeSeconds: round(vacuumSeconds, 1),
      vacuumBeforeSeconds: round(vacuumBeforeSeconds, 1),
      explain: plan.line,
      explainGeneric: plan.genericLine,
      pullPlanningMs: plan.planningMs,
      pullExecutionMs: plan.executionMs,
      usesPendingIndex: plan.usesPendingIndex,
      seqScanOfMessages: plan.scansMessages,
      ratioP50: round(loaded.p50Ms / empty.p50Ms, 2),
      ratioP99: round(loaded.p99Ms / empty.p99Ms, 2),
      deadlocks: takeDeadlocks(),
    };
  } finally {
    await db.close();
  }
}
