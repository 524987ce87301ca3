/**
 * A lost response: requesting the same pull-next URI again returns the same
 * batch with the same Pull-Next, and acknowledges nothing twice. Once the URI
 * after it has been requested, the old one is Gone (410).
 */
import { get, type Reply } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const ids = (reply: Reply) => reply.messages.map((message) => message.endToEndId);

async function deliveryCounts(ispb: string): Promise<Record<string, number>> {
  const { rows } = await server.db.query('SELECT end_to_end_id, delivery_count FROM message_delivery WHERE receiver_ispb = $1', [ispb]);
  return Object.fromEntries(rows.map((row) => [row.end_to_end_id, row.delivery_count]));
}

describe.each([
  { mode: 'single', accept: 'application/json', batch: 1, seeded: 3 },
  { mode: 'multipart', accept: 'multipart/json', batch: 10, seeded: 25 },
])('replaying a pull-next URI ($mode)', ({ accept, batch, seeded }) => {
  it('returns the identical batch and Pull-Next, without acknowledging or delivering anything again', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, seeded);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`, accept);
    expect(ids(first)).toHaveLength(batch);

    const second = await get(server.url, first.pullNext!, accept);
    expect(second.status).toBe(200);
    expect(ids(second)).toHaveLength(batch);
    const countsAfterSecond = await messageCounts(server.db, ispb);
    const deliveriesAfterSecond = await deliveryCounts(ispb);

    const replayed = await get(server.url, first.pullNext!, accept);
    expect(replayed.status).toBe(200);
    expect(replayed.contentType).toBe(second.contentType);
    expect(ids(replayed)).toEqual(ids(second));
    expect(replayed.body).toEqual(second.body);
    expect(replayed.pullNext).toBe(second.pullNext);

    const again = await get(server.url, first.pullNext!, accept);
    expect(ids(again)).toEqual(ids(second));
    expect(again.pullNext).toBe(second.pullNext);

    expect(await messageCounts(server.db, ispb)).toEqual(countsAfterSecond);
    expect(countsAfterSecond).toMatchObject({ acked: batch, inFlight: batch, redelivered: 0 });
    expect(await deliveryCounts(ispb)).toEqual(deliveriesAfterSecond);
  });

  it('answers 410 problem+json for a URI whose next URI was already requested', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, seeded);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`, accept);
    const second = await get(server.url, first.pullNext!, accept);
    const third = await get(server.url, second.pullNext!, accept);
    expect(third.status).toBe(200);
    const countsAfterThird = await messageCounts(server.db, ispb);

    const stale = await get(server.url, first.pullNext!, accept);
    expect(stale.status).toBe(410);
    expect(stale.contentType).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ status: 410, title: 'Gone', type: expect.any(String), detail: expect.any(String) });
    expect(stale.pullNext).toBeNull();

    // The newest URI still replays; the stale request changed nothing.
    const replayed = await get(server.url, second.pullNext!, accept);
    expect(ids(replayed)).toEqual(ids(third));
    expect(replayed.pullNext).toBe(third.pullNext);
    expect(await messageCounts(server.db, ispb)).toEqual(countsAfterThird);
    expect(countsAfterThird).toMatchObject({ acked: 2 * batch, redelivered: 0 });
  });
});

describe('replaying an empty (204) reply', () => {
  it('returns 204 with the same Pull-Next, and a message arriving later goes to that Pull-Next', async () => {
    const ispb = randomIspb();
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`);
    const empty = await get(server.url, first.pullNext!);
    expect(empty.status).toBe(204);

    const replayed = await get(server.url, first.pullNext!);
    expect(replayed.status).toBe(204);
    expect(replayed.pullNext).toBe(empty.pullNext);

    await seedMessages(server.db, ispb, 1);
    const next = await get(server.url, empty.pullNext!);
    expect(next.status).toBe(200);
    expect(next.messages).toHaveLength(1);
  });
});

describe('a replay after the stream was closed', () => {
  it('answers 410, and the closing DELETE acknowledged the last batch exactly once', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 2);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`);
    const second = await get(server.url, first.pullNext!);
    expect((await get(server.url, second.pullNext!, undefined, 'DELETE')).status).toBe(200);

    expect((await get(server.url, first.pullNext!)).status).toBe(410);
    expect((await get(server.url, second.pullNext!)).status).toBe(410);
    expect(await messageCounts(server.db, ispb)).toEqual({ total: 2, pending: 0, inFlight: 0, acked: 2, redelivered: 0 });
  });
});
