/**
 * Query plans for the tests that check them: the statement the hot path sends
 * (recorded, not run) and EXPLAIN of a statement the way the pool's own
 * connections plan it (generic plans, the pool's settings).
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../src/db/database';
import { pullBatches, type PullRequest } from '../../src/stream/sql/pull-batch';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

/** Every node of a plan, depth first. */
export function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The statement and values the hot path sends for a group of pulls (pullBatches), recorded without running it. */
export async function recordAppGroup(face: 'challenge' | 'icom', pulls: Omit<PullRequest, 'face'>[]): Promise<{ text: string; values: unknown[] }> {
  let sent: { text: string; values: unknown[] } | undefined;
  const recorder: Queryable = {
    query: async (config: string | { text: string; values?: unknown[] }, values: unknown[] = []) => {
      sent = typeof config === 'string' ? { text: config, values } : { text: config.text, values: config.values ?? values };
      return { rows: pulls.map((_, index) => ({ ord: index + 1, ispb: null })), rowCount: 0, command: 'SELECT', oid: 0, fields: [] } as never;
    },
  };
  await pullBatches(recorder, face, pulls.map((pull) => ({ ...pull, face })));
  return sent!;
}

/** The statement and values the hot path sends for one pull, recorded without running it. */
export function recordAppClaim(face: 'challenge' | 'icom', ispb: string): Promise<{ text: string; values: unknown[] }> {
  return recordAppGroup(face, [{ iterationId: randomUUID(), ispb, nextId: randomUUID(), limit: 10, final: false }]);
}

/**
 * EXPLAIN EXECUTE of a statement PREPAREd on one of the pool's connections: generic plans only, the
 * pool's settings. `analyze` runs it, inside a transaction rolled back after, for the actual counts.
 */
export async function explainGeneric(db: Database, text: string, values: unknown[], { analyze = false } = {}): Promise<PlanNode[]> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
    const name = `generic_${randomUUID().replace(/-/g, '')}`;
    await client.query(`PREPARE ${name} AS ${text}`);
    const literal = (value: unknown) => client.escapeLiteral(Array.isArray(value) ? `{${value.join(',')}}` : String(value));
    const { rows } = await client.query(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) EXECUTE ${name} (${values.map(literal).join(', ')})`);
    await client.query(`DEALLOCATE ${name}`);
    return nodes(rows[0]['QUERY PLAN'][0].Plan);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
