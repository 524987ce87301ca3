/**
 * The raw ceiling: what this PostgreSQL does with the bare claim, none of
 * pix-stream's own statement around it (no iteration lock, no acknowledgement,
 * no stream touch, no JSON). The multipart drain is judged against this figure.
 *
 * Per transaction, one statement: claim 10 pending rows of one ISPB through
 * the deliveries_pending partial index with FOR UPDATE SKIP LOCKED, point them
 * at a new iteration (delivery_count + 1), and insert that iteration for one
 * stream row made for this run. The same narrow rows (migrations/…-deliveries.js)
 * pix-stream claims, so the ceiling rises with every saving in what a claim
 * writes. 6 clients, one ISPB, a fresh backlog seeded
 * through the generator endpoint, for a fixed time.
 *
 * Run by pgbench when one is installed (a C client: the figure carries no Node
 * overhead), else by an equivalent loop of 6 node connections running the same
 * SQL as a prepared statement. BENCH_RAW_CEILING_TOOL=node forces the loop,
 * PGBENCH=/path picks a binary.
 *
 * messages/s = 10 x tx/s only holds while every transaction found 10 rows, so
 * the database is asked afterwards: rows claimed must equal 10 x iterations
 * inserted, and some rows must still be pending (the backlog did not run out).
 * EXPLAIN runs in the seeded state, before and after the run, because the
 * planner may walk another index on a fresh table (see /work/shared/STACK.md).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { planLine, type PlanNode } from './claim-transaction.js';
import { cpu } from './cpu-split.js';
import { seed, settle } from './generation-rate.js';
import type { HttpClient } from './http-client.js';
import { perSecond, progress, round } from './stats.js';

export const RAW_BATCH = 10;
const CLIENTS = 6;
/** ~12 s at the ~30,000 msg/s measured here, with a margin: the claimed-rows check says if it ran out. */
const PENDING = 450_000;
const DURATION_S = 12;

export interface RawPlan {
  line: string;
  usesPendingIndex: boolean;
}

export interface RawCeilingResult {
  tool: 'pgbench' | 'node';
  toolVersion: string;
  clients: number;
  batch: number;
  pending: number;
  seconds: number;
  transactions: number;
  failedTransactions: number;
  transactionsPerSecond: number;
  /** 10 x tx/s: the figure the drain is compared with. */
  messagesPerSecond: number;
  /** Rows the database shows claimed by this run, and pending after it. */
  claimedRows: number;
  pendingAfter: number;
  /** claimed = 10 x iterations and the backlog lasted: messagesPerSecond is exact. */
  batchesFull: boolean;
  latencyAverageMs?: number;
  planBefore: RawPlan;
  planAfter: RawPlan;
  sql: string;
}

/** The bare claim of `batch` rows for `ispb`, recorded as an iteration of `streamId`. Literals only: pgbench and node run the same text. */
export function rawClaimSql(ispb: string, streamId: number, batch = RAW_BATCH): string {
  return `WITH claimed AS (
  SELECT message_id FROM deliveries
   WHERE receiver_ispb = '${ispb}' AND iteration_id IS NULL
   ORDER BY receiver_ispb, seq
   LIMIT ${batch}
     FOR UPDATE SKIP LOCKED
), next_iteration AS (
  INSERT INTO iterations (id, stream_id, message_ids)
  SELECT gen_random_uuid(), ${streamId}, coalesce(array_agg(message_id), '{}') FROM claimed
  RETURNING id
)
UPDATE deliveries d SET iteration_id = (SELECT id FROM next_iteration), delivery_count = d.delivery_count + 1
 WHERE d.message_id IN (SELECT message_id FROM claimed)`;
}

/** pgbench from PGBENCH, else the first on PATH; undefined when there is none (or the node loop is asked for). */
export function findPgbench(): string | undefined {
  if (process.env.BENCH_RAW_CEILING_TOOL === 'node') return undefined;
  const candidates = process.env.PGBENCH ? [process.env.PGBENCH] : (process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => path.join(dir, 'pgbench'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

export function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

async function explain(client: pg.Client, sql: string): Promise<RawPlan> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`);
  const { line, usesPendingIndex } = planLine(rows[0]['QUERY PLAN'][0].Plan as PlanNode);
  return { line, usesPendingIndex };
}

export interface LoopRun {
  seconds: number;
  transactions: number;
  failed: number;
  tps: number;
  latencyAverageMs?: number;
}

/** A pgbench script: each SQL command on one line (pgbench reads one command up to ';'), meta-commands kept as they are. */
export function pgbenchScript(commands: string[]): string {
  return commands.map((command) => (command.startsWith('\\') ? command : `${command.replace(/\n\s*/g, ' ')};`)).join('\n') + '\n';
}

/**
 * `pgbench -n -M prepared -c <clients> -j <cores> -T <seconds> -f script.sql <url>`: -n, there are no
 * pgbench tables to vacuum. `script` is the file's text (pgbenchScript); `defines` become -D name=value.
 */
export async function runPgbench(
  binary: string,
  databaseUrl: string,
  script: string,
  clients = CLIENTS,
  seconds = DURATION_S,
  defines: Record<string, string | number> = {},
): Promise<LoopRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pix-raw-claim-'));
  try {
    const file = path.join(dir, 'script.sql');
    writeFileSync(file, script);
    const out = await run(
      binary,
      [
        '-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, os.cpus().length)), '-T', String(seconds),
        ...Object.entries(defines).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
        '-f', file, databaseUrl,
      ],
      (seconds + 60) * 1000,
    );
    const number = (pattern: RegExp) => {
      const match = out.match(pattern);
      if (!match) throw new Error(`pgbench output without ${pattern}:\n${out}`);
      return Number(match[1]);
    };
    const transactions = number(/number of transactions actually processed: (\d+)/);
    const failedMatch = out.match(/number of failed transactions: (\d+)/);
    const tps = number(/tps = ([\d.]+) \(without initial connection time\)/);
    return {
      seconds,
      transactions,
      failed: failedMatch ? Number(failedMatch[1]) : 0,
      tps: round(tps),
      latencyAverageMs: number(/latency average = ([\d.]+) ms/),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same statement from `count` node connections, prepared, back to back for `seconds`. */
export async function runNodeLoop(databaseUrl: string, sql: string, count = CLIENTS, seconds = DURATION_S): Promise<LoopRun> {
  const clients = Array.from({ length: count }, () => new pg.Client({ connectionString: databaseUrl, application_name: 'pix-bench-raw' }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    let transactions = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) {
          await client.query({ name: 'raw-claim', text: sql });
          transactions += 1;
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    return { seconds: round(elapsedMs / 1000, 2), transactions, failed: 0, tps: perSecond(transactions, elapsedMs) };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

/** A closed stream for a raw claim to record its iterations on: the API's expiry job and collector limit never see it. */
export async function insertClosedStream(client: pg.ClientBase, ispb: string): Promise<number> {
  const { rows } = await client.query(
    `INSERT INTO streams (ispb, status, closed_at, idle_timeout, expires_at) VALUES ($1, 'closed', now(), '1 minute', now()) RETURNING id`,
    [ispb],
  );
  return rows[0].id;
}

export async function measureRawCeiling(http: HttpClient, databaseUrl: string, ispb: string): Promise<RawCeilingResult> {
  progress(`raw ceiling: seeding ${PENDING} messages for ${ispb}`);
  await seed(http, ispb, PENDING);
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'pix-bench-raw' });
  await admin.connect();
  try {
    const streamId = await insertClosedStream(admin, ispb);
    await settle(admin);
    const sql = rawClaimSql(ispb, streamId);
    const planBefore = await explain(admin, sql);
    progress(`raw ceiling: plan in the seeded state: ${planBefore.line}`);
    const binary = findPgbench();
    const toolVersion = binary ? (await run(binary, ['--version'], 10_000)).trim() : `node ${process.version}, pg ${CLIENTS} connections`;
    progress(`raw ceiling: ${CLIENTS} clients for ${DURATION_S} s with ${binary ?? 'the node loop (no pgbench found)'}`);
    const span = cpu.span(binary ? 'raw ceiling (pgbench: in "other")' : 'raw ceiling (node loop)');
    const loop = binary ? await runPgbench(binary, databaseUrl, pgbenchScript([sql])) : await runNodeLoop(databaseUrl, sql);
    span.end();
    const planAfter = await explain(admin, sql);
    const counts = await admin.query(
      `SELECT (SELECT count(*) FROM iterations WHERE stream_id = $2)::int AS iterations,
              count(*) FILTER (WHERE iteration_id IS NOT NULL)::int AS claimed,
              count(*) FILTER (WHERE iteration_id IS NULL)::int AS pending
         FROM deliveries WHERE receiver_ispb = $1`,
      [ispb, streamId],
    );
    const { iterations, claimed, pending } = counts.rows[0];
    // pgbench counts only transactions that ended inside -T; the database also has those cut off at the end.
    const batchesFull = claimed === RAW_BATCH * iterations && pending > 0 && iterations >= loop.transactions;
    return {
      tool: binary ? 'pgbench' : 'node',
      toolVersion,
      clients: CLIENTS,
      batch: RAW_BATCH,
      pending: PENDING,
      seconds: loop.seconds,
      transactions: loop.transactions,
      failedTransactions: loop.failed,
      transactionsPerSecond: loop.tps,
      messagesPerSecond: round(RAW_BATCH * loop.tps),
      claimedRows: claimed,
      pendingAfter: pending,
      batchesFull,
      latencyAverageMs: loop.latencyAverageMs,
      planBefore,
      planAfter,
      sql,
    };
  } finally {
    await admin.end();
  }
}
