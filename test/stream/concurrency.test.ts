/**
 * Exactly-once under concurrency: several collectors drain one ISPB side by side
 * (FOR UPDATE SKIP LOCKED). Every message reaches exactly one collector, once,
 * and the database ends with every message acknowledged exactly once.
 */
import { drain } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function storedEndToEndIds(ispb: string): Promise<string[]> {
  const { rows } = await server.db.query('SELECT end_to_end_id FROM messages WHERE receiver_ispb = $1', [ispb]);
  return rows.map((row) => row.end_to_end_id);
}

/** Delivery bookkeeping straight from the tables. */
async function deliveryLedger(ispb: string) {
  const { rows } = await server.db.query(
    `SELECT min(delivery_count)::int AS min_deliveries, max(delivery_count)::int AS max_deliveries
       FROM deliveries WHERE receiver_ispb = $1`,
    [ispb],
  );
  // Each message id should sit in exactly one iteration's batch of this ISPB's streams.
  const batches = await server.db.query(
    `SELECT count(*)::int AS entries, count(DISTINCT m)::int AS distinct_messages
       FROM iterations i JOIN streams s ON s.id = i.stream_id, unnest(i.message_ids) AS m
      WHERE s.ispb = $1`,
    [ispb],
  );
  const streams = await server.db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb]);
  return { ...rows[0], ...batches.rows[0], openStreams: streams.rows[0].open };
}

async function drainConcurrently(ispb: string, collectors: number, multipart: boolean) {
  const perCollector = await Promise.all(Array.from({ length: collectors }, () => drain(server.url, ispb, { multipart })));
  return perCollector.map((messages) => messages.map((message) => message.endToEndId));
}

function expectExactlyOnce(perCollector: string[][], stored: string[]): void {
  const received = perCollector.flat();
  const duplicates = received.filter((id, index) => received.indexOf(id) !== index);
  expect(duplicates).toEqual([]);
  expect(new Set(received)).toEqual(new Set(stored));
  expect(received).toHaveLength(stored.length);
}

describe('several collectors draining one ISPB at once', () => {
  it.each([
    ['6 multipart collectors drain 2,000', 2000, 6, true],
    ['4 single-message collectors share 200', 200, 4, false],
  ])('%s messages: each delivered to exactly one collector, once, and all acknowledged', async (_label, count, collectors, multipart) => {
    const ispb = randomIspb();
    expect(await seedMessages(server.db, ispb, count)).toBe(count);

    const perCollector = await drainConcurrently(ispb, collectors, multipart);

    const stored = await storedEndToEndIds(ispb);
    expect(stored).toHaveLength(count);
    expectExactlyOnce(perCollector, stored);
    expect(await messageCounts(server.db, ispb)).toEqual({ total: count, pending: 0, inFlight: 0, acked: count, redelivered: 0 });
    expect(await deliveryLedger(ispb)).toEqual({
      min_deliveries: 1,
      max_deliveries: 1,
      entries: count,
      distinct_messages: count,
      openStreams: 0,
    });
  });

  it('mixed multipart and single-message collectors together still deliver each message exactly once', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 300);

    const perCollector = await Promise.all(
      [true, false, true, false, true].map((multipart) =>
        drain(server.url, ispb, { multipart }).then((messages) => messages.map((message) => message.endToEndId)),
      ),
    );

    expectExactlyOnce(perCollector, await storedEndToEndIds(ispb));
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 0, inFlight: 0, acked: 300, redelivered: 0 });
  });
});
