/**
 * The challenge JSON stored with each credit transfer (migrations/…-message-json.js)
 * says exactly what PostgreSQL would build from the row and its parties: same
 * fields, same order, same values; and a row stored without it is still
 * delivered, built at delivery.
 */
import { MESSAGE_JSON_SQL } from '../../src/stream/sql/message-json';
import { drain } from '../support/collector';
import { randomIspb, seedMessages } from '../support/factories';
import { creditTransfer, post } from '../support/icom-post';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Each message of the ISPB: its stored JSON and the one built from its columns. */
async function storedAndBuilt(ispb: string): Promise<{ stored: string | null; built: string }[]> {
  const { rows } = await server.db.query<{ stored: string | null; built: string }>(`SELECT m.json AS stored, ${MESSAGE_JSON_SQL} AS built FROM messages m WHERE m.receiver_ispb = $1 AND m.kind = 'pacs.008'`, [ispb]);
  return rows;
}

function expectSame(rows: { stored: string | null; built: string }[]): void {
  for (const { stored, built } of rows) {
    expect(stored).not.toBeNull();
    const [a, b] = [JSON.parse(stored!), JSON.parse(built)];
    expect(a).toEqual(b);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a.pagador)).toEqual(Object.keys(b.pagador));
    expect(Object.keys(a.recebedor)).toEqual(Object.keys(b.recebedor));
  }
}

it('the generator stores what PostgreSQL would build', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 500);
  const rows = await storedAndBuilt(ispb);
  expect(rows).toHaveLength(500);
  expectSame(rows);
});

it('ICOM inbound stores what PostgreSQL would build from the parties it stored', async () => {
  const [payer, receiver] = [randomIspb(), randomIspb()];
  const reply = await post(server.url, payer, Array.from({ length: 5 }, () => creditTransfer(payer, receiver).xml));
  expect(reply.status).toBe(201);
  const rows = await storedAndBuilt(receiver);
  expect(rows).toHaveLength(5);
  expectSame(rows);
});

it('a transfer stored without its JSON is delivered with the JSON built from its row', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 12);
  const before = await storedAndBuilt(ispb);
  await server.db.query('UPDATE messages SET json = NULL WHERE receiver_ispb = $1 AND id % 2 = 0', [ispb]);
  const received = await drain(server.url, ispb, { multipart: true });
  expect(received).toHaveLength(12);
  const expected = before.map((row) => JSON.parse(row.built)).sort((a, b) => a.endToEndId.localeCompare(b.endToEndId));
  expect([...received].sort((a, b) => a.endToEndId.localeCompare(b.endToEndId))).toEqual(expected);
});
