/**
 * What PostgreSQL itself does, through pgbench on the same server in the same
 * run, with the SQL work behind three of the API's figures, so that each is
 * judged as a share of its own ceiling (like the multipart drains against
 * raw-ceiling.ts):
 *   single   the bare claim of ONE pending row plus its iteration
 *            (rawClaimSql with a batch of 1), 1 client and then 6 clients:
 *            the ceilings of the single-message drains
 *   insert   the generator's writes: 2 clients (its two lanes), each
 *            transaction 10 INSERTs of 500 message rows (its slices and
 *            chunks), every column the generator fills copied from a message
 *            it generated, the queue rows added by the project's own trigger:
 *            the ceiling of generation
 *   flow     the many-ISPBs flow, 8 clients for FLOW_SECONDS: 4 insert 10
 *            message rows (and, by the trigger, their queue rows) per
 *            transaction for a random one of 100 ISPBs, 4 acknowledge a random
 *            ISPB's open iteration and claim its next 10 rows with SKIP LOCKED
 *            in one statement; durable commits. Its figure is the rows
 *            claimed per second, end to end: what was inserted and handed on
 * The stream rows these use are closed, so the API's expiry and collector
 * limit never see them. Each needs pgbench (Debian's postgresql-client).
 */
import pg from 'pg';
import { cpu } from './cpu-split.js';
import { seed, settle } from './generation-rate.js';
import type { HttpClient } from './http-client.js';
import { findPgbench, insertClosedStream, pgbenchScript, rawClaimSql, run, runNodeLoop, runPgbench, type LoopRun } from './raw-ceiling.js';
import { progress, round } from './stats.js';

const SECONDS = 12;
const FLOW_SECONDS = 15;
const FLOW_ISPBS = 100;
const FLOW_BATCH = 10;
/** Rows per INSERT and INSERTs per transaction: the generator's slice and chunk (src/generation/). */
const INSERT_SLICE = 500;
const INSERT_SLICES = 10;
/**
 * The columns the generator writes (src/generation/sql/insert-messages.ts), besides end_to_end_id and
 * receiver_ispb; the compressed forms only where the schema has them (a bench of an older tree).
 */
const GENERATED_COLUMNS = ['valor', 'payer_id', 'receiver_id', 'campo_livre', 'tx_id', 'paid_at', 'xml', 'json', 'xml_gz', 'json_gz'];
let generatedColumns = GENERATED_COLUMNS;

export interface CeilingRun {
  clients: number;
  seconds: number;
  transactionsPerSecond: number;
  messagesPerSecond: number;
  latencyAverageMs?: number;
}

function ceilingRun(loop: LoopRun, clients: number, rowsPerTransaction: number): CeilingRun {
  return {
    clients,
    seconds: loop.seconds,
    transactionsPerSecond: loop.tps,
    messagesPerSecond: round(loop.tps * rowsPerTransaction),
    latencyAverageMs: loop.latencyAverageMs,
  };
}

function requirePgbench(what: string): string {
  const binary = findPgbench();
  if (!binary) throw new Error(`${what} needs pgbench on PATH (Debian's postgresql-client) or PGBENCH=/path`);
  return binary;
}

export interface SingleCeilingResult {
  one: CeilingRun;
  six: CeilingRun;
  tool: string;
}

/** The bare claim of one row, 1 client then 6 clients, on a backlog of its own. */
export async function measureSingleCeiling(http: HttpClient, databaseUrl: string, ispb: string): Promise<SingleCeilingResult> {
  const pending = 150_000;
  progress(`single-claim ceiling: seeding ${pending} messages for ${ispb}`);
  await seed(http, ispb, pending);
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'pix-bench-raw' });
  await admin.connect();
  try {
    const streamId = await insertClosedStream(admin, ispb);
    await settle(admin);
    const sql = rawClaimSql(ispb, streamId, 1);
    const binary = findPgbench();
    const tool = binary ? (await run(binary, ['--version'], 10_000)).trim() : `node ${process.version}`;
    const runs: CeilingRun[] = [];
    for (const clients of [1, 6]) {
      progress(`single-claim ceiling: ${clients} client(s) for ${SECONDS} s`);
      const span = cpu.span(`single-claim ceiling, ${clients} client(s)${binary ? ' (pgbench: in "other")' : ''}`);
      const loop = binary ? await runPgbench(binary, databaseUrl, pgbenchScript([sql]), clients, SECONDS) : await runNodeLoop(databaseUrl, sql, clients, SECONDS);
      span.end();
      runs.push(ceilingRun(loop, clients, 1));
    }
    const left = await admin.query(`SELECT count(*)::int AS n FROM deliveries WHERE receiver_ispb = $1 AND iteration_id IS NULL`, [ispb]);
    if (left.rows[0].n === 0) throw new Error('the single-claim ceiling ran out of pending rows: its figure is too low');
    return { one: runs[0], six: runs[1], tool };
  } finally {
    await admin.end();
  }
}

/** A table of one message the generator made, to copy rows from (every column it writes). */
async function sampleTable(http: HttpClient, admin: pg.Client, table: string, ispb: string): Promise<void> {
  await seed(http, ispb, 1);
  const { rows } = await admin.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'messages'`);
  const present = new Set(rows.map((row) => row.name));
  generatedColumns = GENERATED_COLUMNS.filter((column) => present.has(column));
  await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.query(`CREATE TABLE ${table} AS SELECT ${generatedColumns.join(', ')} FROM messages WHERE receiver_ispb = $1 LIMIT 1`, [ispb]);
}

/** INSERT of `rows` copies of the sample for the ISPB `ispbSql`, each with its own endToEndId. */
function insertCopies(table: string, ispbSql: string, rows: number): string {
  return `INSERT INTO messages (end_to_end_id, receiver_ispb, ${generatedColumns.join(', ')})
SELECT 'B' || substr(md5(random()::text), 1, 31), ${ispbSql}, ${generatedColumns.map((column) => `s.${column}`).join(', ')}
  FROM ${table} s CROSS JOIN generate_series(1, ${rows})`;
}

export interface InsertCeilingResult extends CeilingRun {
  tool: string;
}

/** The generator's inserts without the generator: 2 clients, 10 x 500 rows per transaction. */
export async function measureInsertCeiling(http: HttpClient, databaseUrl: string, ispb: string): Promise<InsertCeilingResult> {
  const binary = requirePgbench('the insert ceiling');
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'pix-bench-raw' });
  await admin.connect();
  try {
    await sampleTable(http, admin, 'bench_insert_sample', ispb);
    const insert = insertCopies('bench_insert_sample', `'${ispb}'`, INSERT_SLICE);
    const script = pgbenchScript(['BEGIN', ...Array.from({ length: INSERT_SLICES }, () => insert), 'COMMIT']);
    progress(`insert ceiling: 2 clients, ${INSERT_SLICES} x ${INSERT_SLICE} rows per transaction, for ${SECONDS} s`);
    const span = cpu.span('insert ceiling (pgbench: in "other")');
    const loop = await runPgbench(binary, databaseUrl, script, 2, SECONDS);
    span.end();
    return { ...ceilingRun(loop, 2, INSERT_SLICE * INSERT_SLICES), tool: (await run(binary, ['--version'], 10_000)).trim() };
  } finally {
    await admin.end();
  }
}

export interface FlowCeilingResult {
  seconds: number;
  ispbs: number;
  inserters: CeilingRun;
  claimers: CeilingRun;
  inserted: number;
  claimed: number;
  pendingAfter: number;
  /** Rows inserted per second. */
  insertedPerSecond: number;
  /** Rows claimed per second: the flow's end-to-end figure. */
  messagesPerSecond: number;
  tool: string;
}

/** The many-ISPBs flow's SQL, 4 inserting and 4 claiming clients over 100 ISPBs from `firstIspb`. */
export async function measureFlowCeiling(http: HttpClient, databaseUrl: string, firstIspb: number): Promise<FlowCeilingResult> {
  const binary = requirePgbench('the flow ceiling');
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'pix-bench-raw' });
  await admin.connect();
  try {
    const ispbs = Array.from({ length: FLOW_ISPBS }, (_, i) => String(firstIspb + i).padStart(8, '0'));
    await sampleTable(http, admin, 'bench_flow_sample', String(firstIspb - 1).padStart(8, '0'));
    await admin.query('DROP TABLE IF EXISTS bench_flow_streams');
    await admin.query('CREATE TABLE bench_flow_streams (i int PRIMARY KEY, ispb char(8) NOT NULL, stream_id bigint NOT NULL)');
    await admin.query(
      `WITH s AS (
         INSERT INTO streams (ispb, status, closed_at, idle_timeout, expires_at)
         SELECT ispb, 'closed', now(), '1 minute', now() FROM unnest($1::text[]) AS ispb
         RETURNING id, ispb)
       INSERT INTO bench_flow_streams (i, ispb, stream_id)
       SELECT array_position($1::text[], s.ispb::text) - 1, s.ispb, s.id FROM s`,
      [ispbs],
    );
    // Each stream starts with an open (empty) iteration, the first one its claimers acknowledge.
    await admin.query(`INSERT INTO iterations (id, stream_id, message_ids) SELECT gen_random_uuid(), stream_id, '{}' FROM bench_flow_streams`);
    await admin.query('ANALYZE bench_flow_streams');
    const pick = `\\set i random(0, ${FLOW_ISPBS - 1})`;
    const insert = pgbenchScript([pick, insertCopies('bench_flow_sample', '(SELECT ispb FROM bench_flow_streams WHERE i = :i)', FLOW_BATCH)]);
    const claim = pgbenchScript([
      pick,
      `WITH s AS (SELECT stream_id, ispb FROM bench_flow_streams WHERE i = :i),
       open_iteration AS (
         SELECT it.id FROM iterations it WHERE it.stream_id = (SELECT stream_id FROM s)
          ORDER BY it.stream_id DESC, it.created_at DESC LIMIT 1 FOR UPDATE),
       acked AS (UPDATE iterations it SET acked_at = coalesce(it.acked_at, now()) WHERE it.id = (SELECT id FROM open_iteration)),
       claimed AS (
         SELECT message_id FROM deliveries
          WHERE receiver_ispb = (SELECT ispb FROM s) AND iteration_id IS NULL
          ORDER BY receiver_ispb, seq LIMIT ${FLOW_BATCH} FOR UPDATE SKIP LOCKED),
       next_iteration AS (
         INSERT INTO iterations (id, stream_id, message_ids, created_at)
         SELECT gen_random_uuid(), (SELECT stream_id FROM s), coalesce(array_agg(message_id), '{}'), clock_timestamp() FROM claimed
         RETURNING id)
       UPDATE deliveries d SET iteration_id = (SELECT id FROM next_iteration), delivery_count = d.delivery_count + 1
        WHERE d.message_id IN (SELECT message_id FROM claimed)`,
    ]);
    await settle(admin);
    progress(`flow ceiling: 4 inserting + 4 claiming clients over ${FLOW_ISPBS} ISPBs for ${FLOW_SECONDS} s`);
    const span = cpu.span('flow ceiling (pgbench: in "other")');
    const [inserters, claimers] = await Promise.all([
      runPgbench(binary, databaseUrl, insert, 4, FLOW_SECONDS),
      runPgbench(binary, databaseUrl, claim, 4, FLOW_SECONDS),
    ]);
    span.end();
    const { rows } = await admin.query(
      `SELECT count(*)::int AS inserted, count(*) FILTER (WHERE iteration_id IS NOT NULL)::int AS claimed
         FROM deliveries WHERE receiver_ispb = ANY ($1::char(8)[])`,
      [ispbs],
    );
    const { inserted, claimed } = rows[0];
    return {
      seconds: FLOW_SECONDS,
      ispbs: FLOW_ISPBS,
      inserters: ceilingRun(inserters, 4, FLOW_BATCH),
      claimers: ceilingRun(claimers, 4, FLOW_BATCH),
      inserted,
      claimed,
      pendingAfter: inserted - claimed,
      insertedPerSecond: round(inserted / FLOW_SECONDS),
      messagesPerSecond: round(claimed / FLOW_SECONDS),
      tool: (await run(binary, ['--version'], 10_000)).trim(),
    };
  } finally {
    await admin.end();
  }
}
