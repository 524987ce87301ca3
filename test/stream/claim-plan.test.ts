/**
 * Claiming the next batch stays O(batch) however many delivered rows an ISPB
 * has: the planner walks the partial index `deliveries_pending` (pending rows
 * only), never a Seq Scan of deliveries, never the primary key.
 */
import { randomUUID } from 'node:crypto';
import { insertAcknowledgedRows } from '../../testkit/acknowledged-rows';
import { HAS_PENDING_SQL } from '../../src/stream/sql/has-pending';
import { PARTY_IDS_SQL } from '../../src/inbound/sql/upsert-parties';
import { randomIspb, seedMessages } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { explainGeneric as explainOnPool, nodes, recordAppClaim as recordClaim, type PlanNode } from '../support/plans';
import { startTestServer, type TestServer } from '../support/server';

const CLAIM_SQL = `SELECT message_id FROM deliveries
  WHERE receiver_ispb = $1 AND iteration_id IS NULL
  ORDER BY receiver_ispb, seq
  LIMIT 10
  FOR UPDATE SKIP LOCKED`;

// A database of its own: the planner's choice between the two pending indexes rests on
// ANALYZE's statistics, which other test files' rows (other kinds, other ISPBs) would move.
let own: OwnDatabase;
let server: TestServer;
const ispb = randomIspb();

beforeAll(async () => {
  own = await ownDatabase('claim-plan');
  server = await startTestServer({ DATABASE_URL: own.url });
  await seedMessages(server.db, ispb, 20_000);
  // Deliver and acknowledge all but the newest 10, as a long-running ISPB would look.
  const { rows } = await server.db.query(
    `INSERT INTO streams (ispb, status, closed_at, idle_timeout, expires_at) VALUES ($1, 'closed', now(), '1 minute', now()) RETURNING id`,
    [ispb],
  );
  const iterationId = randomUUID();
  await server.db.query('INSERT INTO iterations (id, stream_id, acked_at) VALUES ($1, $2, now())', [iterationId, rows[0].id]);
  const delivered = await server.db.query(
    `UPDATE deliveries SET iteration_id = $1, delivery_count = 1
      WHERE receiver_ispb = $2
        AND message_id NOT IN (SELECT message_id FROM deliveries WHERE receiver_ispb = $2 ORDER BY seq DESC LIMIT 10)`,
    [iterationId, ispb],
  );
  expect(delivered.rowCount).toBe(19_990);
  await server.db.query('ANALYZE deliveries');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await own?.release();
});

const recordAppClaim = (face: 'challenge' | 'icom') => recordClaim(face, ispb);
const explainGeneric = (text: string, values: unknown[]) => explainOnPool(server.db, text, values);

/** EXPLAINs the recorded statement with the same values (EXPLAIN does not execute it). */
async function explainAppClaim(face: 'challenge' | 'icom'): Promise<PlanNode[]> {
  const sent = await recordAppClaim(face);
  const { rows } = await server.db.query(`EXPLAIN (FORMAT JSON) ${sent.text}`, sent.values);
  return nodes(rows[0]['QUERY PLAN'][0].Plan);
}

async function explainLiteral(): Promise<PlanNode> {
  // The app's driver sends parameters with an unnamed statement, planned for the actual value: a literal is the same plan.
  const { rows } = await server.db.query(`EXPLAIN (FORMAT JSON) ${CLAIM_SQL.replace('$1', `'${ispb}'`)}`);
  return rows[0]['QUERY PLAN'][0].Plan;
}

async function explainPrepared(): Promise<PlanNode> {
  const client = await server.db.pool.connect();
  try {
    const name = `claim_${randomUUID().replace(/-/g, '')}`;
    await client.query(`PREPARE ${name} (char(8)) AS ${CLAIM_SQL}`);
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE ${name} ('${ispb}')`);
    await client.query(`DEALLOCATE ${name}`);
    return rows[0]['QUERY PLAN'][0].Plan;
  } finally {
    client.release();
  }
}

describe('the claim query plan for an ISPB with 19,990 delivered and 10 pending rows', () => {
  it.each([
    ['a literal ISPB', explainLiteral],
    ['PREPARE / EXPLAIN EXECUTE', explainPrepared],
  ])('walks deliveries_pending with an Index Scan (%s)', async (_label, explain) => {
    const plan = nodes(await explain());
    const onDeliveries = plan.filter((node) => node['Relation Name'] === 'deliveries');

    expect(onDeliveries.map((node) => [node['Node Type'], node['Index Name']])).toEqual([['Index Scan', 'deliveries_pending']]);
    expect(plan.some((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'deliveries')).toBe(false);
    expect(plan.some((node) => node['Index Name'] === 'deliveries_pkey')).toBe(false);
    // The index already yields (receiver_ispb, seq) order: no sort of the whole pending set.
    expect(plan.some((node) => node['Node Type'] === 'Sort')).toBe(false);
    expect(plan.some((node) => node['Node Type'] === 'LockRows')).toBe(true);
  });

  // The challenge face claims credit transfers only, through their own partial index; ICOM claims every kind.
  it.each([
    ['challenge', 'deliveries_pending_transfers'],
    ['icom', 'deliveries_pending'],
  ] as const)('the statement the app runs for the %s face walks %s and never scans a table whole', async (face, index) => {
    const claimed = (await explainAppClaim(face)).find((node) => node['Subplan Name'] === 'CTE claimed');
    expect(claimed).toBeDefined();
    const claimScans = nodes(claimed!).filter((node) => node['Relation Name'] === 'deliveries');
    expect(claimScans.map((node) => [node['Node Type'], node['Index Name']])).toEqual([['Index Scan', index]]);
    // Read in index order and stop at the batch: Limit > LockRows > the index scan, no Sort
    // between them (sorting the ISPB's whole pending set would be O(pending)). Numbering the
    // claimed rows for the group's pulls sorts the claimed batch only, above the Limit.
    const limit = nodes(claimed!).find((node) => node['Node Type'] === 'Limit');
    expect(limit).toBeDefined();
    expect(nodes(limit!).map((node) => node['Node Type'])).toEqual(['Limit', 'LockRows', 'Index Scan']);

    const everywhere = await explainAppClaim(face);
    const wholeScans = everywhere.filter(
      (node) => ['deliveries', 'messages'].includes(node['Relation Name'] ?? '') && /Seq Scan|Bitmap Heap Scan/.test(node['Node Type']),
    );
    expect(wholeScans).toEqual([]);
  });

  it('returns exactly the 10 pending rows, oldest first', async () => {
    const { rows } = await server.db.query(CLAIM_SQL.replace('FOR UPDATE SKIP LOCKED', ''), [ispb]);
    const pending = await server.db.query(
      'SELECT message_id FROM deliveries WHERE receiver_ispb = $1 AND iteration_id IS NULL ORDER BY seq',
      [ispb],
    );
    expect(rows.map((row) => row.message_id)).toEqual(pending.rows.map((row) => row.message_id));
    expect(rows).toHaveLength(10);
  });

  it('only pending rows are in deliveries_pending', async () => {
    const { rows } = await server.db.query(
      `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indexrelid = 'deliveries_pending'::regclass`,
    );
    expect(rows[0].def).toMatch(/\(receiver_ispb, seq\) WHERE \(iteration_id IS NULL\)/);
  });
});

// Last in the file: it changes the data the tests above rely on.
describe('generic plans on large tables: another ISPB with 300,000 pending, 300,000 acknowledged in 30,000 iterations, 20,000 ended streams', () => {
  beforeAll(async () => {
    // Rows of deliveries alone (no messages) are enough for the planner's statistics of the pending indexes.
    await server.db.query(
      `INSERT INTO deliveries (message_id, receiver_ispb, seq, transfer)
       SELECT -g, $1, -g, true FROM generate_series(1, 300000) g`,
      [randomIspb()],
    );
    const connection = await server.db.pool.connect();
    try {
      await insertAcknowledgedRows(connection, { ispb: randomIspb(), rows: 300_000, ageDays: 2 });
    } finally {
      connection.release();
    }
    await server.db.query(
      `INSERT INTO streams (ispb, status, idle_timeout, expires_at, closed_at)
       SELECT $1, 'closed', '1 minute', now(), now() FROM generate_series(1, 20000)`,
      [randomIspb()],
    );
    await server.db.query('ANALYZE deliveries, messages, iterations, streams');
  }, 120_000);

  // A generic plan guesses from the table's averages (the pool forces generic plans): it must
  // still go through the index for an ISPB with no rows, not read the other ISPB's.
  it.each(['challenge', 'icom'] as const)('the %s face looks through its index for any ISPB', async (face) => {
    const plan = await explainGeneric(HAS_PENDING_SQL[face].text, [randomIspb()]);
    expect(plan.filter((node) => node['Relation Name'] === 'deliveries').map((node) => node['Node Type'])).toEqual([expect.stringMatching(/^Index (Only )?Scan$/)]);
  });

  it.each(['challenge', 'icom'] as const)("the %s face's claim, as the pool plans it, still walks its pending index", async (face) => {
    const sent = await recordAppClaim(face);
    const plan = await explainGeneric(sent.text, sent.values);
    const claimed = plan.find((node) => node['Subplan Name'] === 'CTE claimed');
    expect(nodes(claimed!).filter((node) => node['Relation Name'] === 'deliveries').map((node) => node['Node Type'])).toEqual(['Index Scan']);
    // Every read of the four tables goes by key: no table read whole, however the joins are planned.
    // The claimed rows are marked through their row addresses (Tid Scan), taken under the claim's lock.
    const reads = plan.filter((node) => ['deliveries', 'messages', 'iterations', 'streams'].includes(node['Relation Name'] ?? '') && node['Node Type'] !== 'ModifyTable');
    const byKey = (node: PlanNode) => /^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/.test(node['Node Type']) || (node['Node Type'] === 'Tid Scan' && node['Relation Name'] === 'deliveries');
    expect(reads.filter((node) => !byKey(node))).toEqual([]);
  });
});

// ICOM inbound finds the ids of each posted transfer's payer and payee. clients grows by
// two rows a posted transfer; read whole, every POST got slower as the run went on.
describe('the posted parties lookup, as the pool plans it', () => {
  const party = ['Fulana de Tal', '12345678901', '12345678', '0001', '123456', 'CACC'];
  const values = party.map((value) => [value, value]);

  async function clientsReads(): Promise<PlanNode[]> {
    const plan = await explainGeneric(PARTY_IDS_SQL, values);
    return plan.filter((node) => node['Relation Name'] === 'clients');
  }

  it.each([
    ['nearly empty and analyzed', 'DELETE FROM clients WHERE false'],
    ['after 50,000 more accounts', `INSERT INTO clients (nome, cpf_cnpj, ispb, agencia, conta_transacional, tipo_conta)
       SELECT 'n', lpad(g::text, 11, '0'), 'PLAN' || lpad((g % 100)::text, 4, '0'), '0001', g::text, 'CACC' FROM generate_series(1, 50000) g`],
  ])('probes the account key, never reads clients whole (%s)', async (_label, change) => {
    await server.db.query(change);
    await server.db.query('ANALYZE clients');
    const reads = await clientsReads();
    expect(reads.map((node) => [node['Node Type'], node['Index Name']])).toEqual([['Index Scan', 'clients_account_unique']]);
  });
});
