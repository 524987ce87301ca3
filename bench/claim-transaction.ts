/**
 * What StreamService runs per pull, called straight from the app's own code
 * without HTTP: `pullBatch` (src/stream/sql/pull-batch.ts), one prepared statement
 * that locks the iteration, acknowledges its batch, claims the next and
 * records the new iteration. Used by the claim-latency and ceiling steps.
 * Streams are opened and closed through the public API (start, DELETE), so
 * only the measured call depends on the app's internals.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import pino from 'pino';
import { Database, type Queryable } from '../src/db/database.js';
import { pullBatch } from '../src/stream/sql/pull-batch.js';
import { collectorAgent, pullNextOf, type HttpClient } from './http-client.js';

export const BATCH = 10;

export function benchDatabase(url: string, max: number): Database {
  return new Database(url, max, pino({ level: 'silent' }));
}

/** A stream pulled straight in the database; `previousId` is its newest iteration (the last segment of its Pull-Next). */
export interface DirectStream {
  ispb: string;
  previousId: string;
}

/** Opens a stream with GET start (which delivers a first batch, needing pending messages), then goes direct. */
export async function openDirectStream(http: HttpClient, ispb: string): Promise<DirectStream> {
  const agent = collectorAgent();
  try {
    const reply = await http.request(`/api/pix/${ispb}/stream/start`, { agent, headers: { accept: 'multipart/json' } });
    if (reply.status !== 200) throw new Error(`start on ${ispb} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    return { ispb, previousId: pullNextOf(reply).split('/').pop()! };
  } finally {
    agent.destroy();
  }
}

function pullRequest(stream: DirectStream, nextId: string, limit: number) {
  return { face: 'challenge' as const, iterationId: stream.previousId, ispb: stream.ispb, nextId, limit, final: false };
}

/** Pulls that PostgreSQL aborted as a deadlock (40P01) and were retried; read and reset by the steps. */
let deadlocks = 0;
export function takeDeadlocks(): number {
  const taken = deadlocks;
  deadlocks = 0;
  return taken;
}

/** One pull: acknowledges the previous batch and claims the next. Resolves how many were claimed (0 = none pending). */
export async function pull(db: Database, stream: DirectStream, limit = BATCH): Promise<number> {
  const nextId = randomUUID();
  let result;
  for (;;) {
    try {
      result = await pullBatch(db, pullRequest(stream, nextId, limit));
      break;
    } catch (err) {
      // The statement rolled back whole: the same iteration can be pulled again.
      if ((err as { code?: string }).code !== '40P01') throw err;
      deadlocks += 1;
    }
  }
  if (result.kind === 'nothing-yet') return 0; // nothing recorded: the previous iteration stays the newest
  if (result.kind !== 'delivered') throw new Error(`pull on ${stream.previousId} answered ${JSON.stringify(result)}`);
  stream.previousId = nextId;
  return result.count;
}

/** DELETE of the newest URI: acknowledges the last batch and closes the stream. */
export async function closeDirectStream(http: HttpClient, stream: DirectStream): Promise<void> {
  const agent = collectorAgent();
  try {
    const reply = await http.request(`/api/pix/${stream.ispb}/stream/${stream.previousId}`, { method: 'DELETE', agent });
    if (reply.status !== 200) throw new Error(`DELETE of ${stream.previousId} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  } finally {
    agent.destroy();
  }
}

export interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

export function flatten(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(flatten)];
}

/** One line: the claim (CTE "claimed") in full; of the rest, only what it reads and how. */
export function planLine(root: PlanNode): { line: string; usesPendingIndex: boolean; scansMessages: boolean } {
  const nodes = flatten(root);
  const label = (node: PlanNode) => {
    const target = node['Index Name'] ?? node['Relation Name'];
    return target ? `${node['Node Type']}(${target})` : node['Node Type'];
  };
  const claimCte = nodes.find((node) => node['Subplan Name'] === 'CTE claimed');
  const claimNodes = new Set(claimCte ? flatten(claimCte) : []);
  const rest = new Map<string, number>();
  for (const node of nodes) {
    if (claimNodes.has(node) || !(node['Index Name'] ?? node['Relation Name'])) continue;
    rest.set(label(node), (rest.get(label(node)) ?? 0) + 1);
  }
  return {
    line:
      `claim: ${claimCte ? flatten(claimCte).map(label).join(' > ') : 'CTE claimed not found'}; ` +
      `rest: ${[...rest].map(([name, count]) => (count > 1 ? `${name} x${count}` : name)).join(', ')}`,
    // Walked in order, so the claim stops after its rows: a Bitmap Index Scan reads every pending entry of the ISPB and sorts them.
    usesPendingIndex: [...claimNodes].some((node) => /^Index (Only )?Scan$/.test(node['Node Type']) && /^deliveries_pending/.test(node['Index Name'] ?? '')),
    scansMessages: nodes.some((node) => node['Node Type'] === 'Seq Scan' && ['messages', 'deliveries'].includes(node['Relation Name'] ?? '')),
  };
}

export interface ClaimPlan {
  /** The custom plan (planned for these values). */
  line: string;
  /** The generic plan, which a prepared statement may switch to after five executions. */
  genericLine: string;
  usesPendingIndex: boolean;
  scansMessages: boolean;
  /** EXPLAIN ANALYZE of the prepared statement, warmed up as the hot path runs it; medians, ms. */
  planningMs: number;
  executionMs: number;
}

/**
 * The exact statement pullBatch sends (recorded), PREPAREd on one connection: EXPLAIN of its custom
 * and its generic plan, then EXPLAIN ANALYZE runs (each in a transaction rolled back, nothing claimed).
 */
export async function explainPull(db: Database, stream: DirectStream): Promise<ClaimPlan> {
  let sent: { text: string; values: unknown[] } | undefined;
  const recorder = {
    query: async (config: string | pg.QueryConfig, values: unknown[] = []) => {
      sent = typeof config === 'string' ? { text: config, values } : { text: config.text, values: config.values ?? values };
      return { rows: [{}], rowCount: 0, command: 'SELECT', oid: 0, fields: [] };
    },
  } as unknown as Queryable;
  await pullBatch(recorder, pullRequest(stream, randomUUID(), BATCH)).catch(() => undefined);
  if (!sent) throw new Error('pullBatch sent no statement');
  const { text, values } = sent;

  const client = await db.pool.connect();
  try {
    await client.query(`PREPARE bench_pull AS ${text}`);
    // The pull's parameters are arrays (one entry per pull of a group): written as array literals.
    const literal = (value: unknown) => client.escapeLiteral(Array.isArray(value) ? `{${value.join(',')}}` : String(value));
    const execute = `EXECUTE bench_pull (${values.map(literal).join(', ')})`;
    const explain = async (mode: string) => {
      await client.query(`SET plan_cache_mode = ${mode}`);
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${execute}`);
      return planLine(rows[0]['QUERY PLAN'][0].Plan as PlanNode);
    };
    const custom = await explain('force_custom_plan');
    const generic = await explain('force_generic_plan');
    await client.query('RESET plan_cache_mode');
    const planning: number[] = [];
    const execution: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${execute}`);
      await client.query('ROLLBACK');
      if (i < 6) continue; // past the five custom plans a prepared statement starts with
      planning.push(rows[0]['QUERY PLAN'][0]['Planning Time']);
      execution.push(rows[0]['QUERY PLAN'][0]['Execution Time']);
    }
    await client.query('DEALLOCATE bench_pull');
    const median = (list: number[]) => Math.round([...list].sort((a, b) => a - b)[list.length >> 1] * 1000) / 1000;
    return {
      line: custom.line,
      genericLine: generic.line,
      usesPendingIndex: custom.usesPendingIndex && generic.usesPendingIndex,
      scansMessages: custom.scansMessages || generic.scansMessages,
      planningMs: median(planning),
      executionMs: median(execution),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(true); // its session state (prepared statement, settings) goes with it
  }
}
