/**
 * A rehearsal starts on an empty database, and the pool keeps each generic plan
 * until the next ANALYZE of its tables, which may come a minute and a hundred
 * thousand rows later. Plans made while the tables are nearly empty must still
 * read every table by key, or each run reads the growing table whole (see
 * src/db/database.ts).
 */
import { HAS_PENDING_SQL } from '../../src/stream/sql/has-pending';
import { PARTY_IDS_SQL } from '../../src/inbound/sql/upsert-parties';
import { randomIspb, seedMessages } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { explainGeneric, recordAppClaim, type PlanNode } from '../support/plans';
import { startTestServer, type TestServer } from '../support/server';

const TABLES = ['deliveries', 'messages', 'iterations', 'streams', 'clients'];

let own: OwnDatabase;
let server: TestServer;
const ispb = randomIspb();

beforeAll(async () => {
  own = await ownDatabase('fresh-plans');
  server = await startTestServer({ DATABASE_URL: own.url });
  await seedMessages(server.db, ispb, 20);
  await server.db.query('ANALYZE');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await own?.release();
});

const wholeReads = (plan: PlanNode[]) =>
  plan.filter((node) => TABLES.includes(node['Relation Name'] ?? '') && node['Node Type'] === 'Seq Scan').map((node) => node['Relation Name']);

describe('with 20 messages in a new database, analyzed', () => {
  it.each(['challenge', 'icom'] as const)('the %s pull reads no table whole', async (face) => {
    const sent = await recordAppClaim(face, ispb);
    expect(wholeReads(await explainGeneric(server.db, sent.text, sent.values))).toEqual([]);
  });

  it.each(['challenge', 'icom'] as const)('the %s face looks for pending messages through its index', async (face) => {
    expect(wholeReads(await explainGeneric(server.db, HAS_PENDING_SQL[face].text, [ispb]))).toEqual([]);
  });

  it('inbound finds posted parties by their key', async () => {
    const party = ['Fulana de Tal', '12345678901', ispb, '0001', '123456', 'CACC'].map((value) => [value]);
    expect(wholeReads(await explainGeneric(server.db, PARTY_IDS_SQL, party))).toEqual([]);
  });
});
