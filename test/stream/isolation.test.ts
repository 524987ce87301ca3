/**
 * ISPBs do not see each other: a stream delivers only its own ISPB's messages,
 * and closing (stop) one ISPB's streams leaves every other ISPB's streams alone.
 */
import { drain, get } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

function distinctIspbs(): [string, string] {
  const a = randomIspb();
  let b = randomIspb();
  while (b === a) b = randomIspb();
  return [a, b];
}

async function storedEndToEndIds(ispb: string): Promise<Set<string>> {
  const { rows } = await server.db.query('SELECT end_to_end_id FROM messages WHERE receiver_ispb = $1', [ispb]);
  return new Set(rows.map((row) => row.end_to_end_id));
}

async function streamStatuses(ispb: string): Promise<string[]> {
  const { rows } = await server.db.query('SELECT status FROM streams WHERE ispb = $1 ORDER BY id', [ispb]);
  return rows.map((row) => row.status);
}

describe('messages of one ISPB', () => {
  it.each([true, false])('never appear on another ISPB’s stream (multipart %s)', async (multipart) => {
    const [a, b] = distinctIspbs();
    await Promise.all([seedMessages(server.db, a, 40), seedMessages(server.db, b, 25)]);

    const [fromA, fromB] = await Promise.all([
      drain(server.url, a, { multipart }),
      drain(server.url, b, { multipart }),
    ]);

    expect(fromA.every((message) => message.recebedor.ispb === a)).toBe(true);
    expect(fromB.every((message) => message.recebedor.ispb === b)).toBe(true);
    expect(new Set(fromA.map((message) => message.endToEndId))).toEqual(await storedEndToEndIds(a));
    expect(new Set(fromB.map((message) => message.endToEndId))).toEqual(await storedEndToEndIds(b));
    expect(fromA).toHaveLength(40);
    expect(fromB).toHaveLength(25);
  });

  it('an empty ISPB gets 204 while another has pending messages', async () => {
    const [busy, idle] = distinctIspbs();
    await seedMessages(server.db, busy, 5);
    const reply = await get(server.url, `/api/pix/${idle}/stream/start`, 'multipart/json');
    expect(reply.status).toBe(204);
    expect(await messageCounts(server.db, busy)).toMatchObject({ pending: 5, inFlight: 0 });
  });

  it('a pull-next URI used under another ISPB is 404 and acknowledges nothing', async () => {
    const [a, b] = distinctIspbs();
    await seedMessages(server.db, a, 2);
    const started = await get(server.url, `/api/pix/${a}/stream/start`);
    const foreign = started.pullNext!.replace(`/api/pix/${a}/`, `/api/pix/${b}/`);
    expect((await get(server.url, foreign)).status).toBe(404);
    expect((await get(server.url, foreign, undefined, 'DELETE')).status).toBe(404);
    expect(await messageCounts(server.db, a)).toMatchObject({ acked: 0, inFlight: 1, pending: 1 });
    expect(await streamStatuses(a)).toEqual(['open']);
  });
});

describe('stop on one ISPB', () => {
  it('closes that ISPB’s streams and leaves another ISPB’s streams open and usable', async () => {
    const [a, b] = distinctIspbs();
    await Promise.all([seedMessages(server.db, a, 4), seedMessages(server.db, b, 4)]);
    const [a1, a2, b1, b2] = await Promise.all([
      get(server.url, `/api/pix/${a}/stream/start`),
      get(server.url, `/api/pix/${a}/stream/start`),
      get(server.url, `/api/pix/${b}/stream/start`),
      get(server.url, `/api/pix/${b}/stream/start`),
    ]);
    [a1, a2, b1, b2].forEach((reply) => expect(reply.status).toBe(200));

    const stopped = await get(server.url, `/api/pix/${a}/stream/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toEqual({ ispb: a, closed: 2 });

    expect(await streamStatuses(a)).toEqual(['closed', 'closed']);
    expect(await streamStatuses(b)).toEqual(['open', 'open']);
    expect(await messageCounts(server.db, a)).toMatchObject({ pending: 4, inFlight: 0, acked: 0 });
    expect(await messageCounts(server.db, b)).toMatchObject({ pending: 2, inFlight: 2, acked: 0 });

    expect((await get(server.url, a1.pullNext!)).status).toBe(410);
    const next = await get(server.url, b1.pullNext!);
    expect(next.status).toBe(200);
    expect(next.messages[0].recebedor.ispb).toBe(b);
    expect(await messageCounts(server.db, b)).toMatchObject({ acked: 1, inFlight: 2, pending: 1 });
  });

  it('with nothing open answers {closed: 0} and touches no other ISPB', async () => {
    const [a, b] = distinctIspbs();
    const open = await get(server.url, `/api/pix/${b}/stream/start`);
    expect(open.status).toBe(204);
    expect((await get(server.url, `/api/pix/${a}/stream/stop`, undefined, 'DELETE')).body).toEqual({ ispb: a, closed: 0 });
    expect(await streamStatuses(b)).toEqual(['open']);
  });
});
