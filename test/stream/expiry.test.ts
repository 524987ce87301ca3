/**
 * A collector that takes a batch and goes silent must not take it down with it:
 * once its stream is idle for STREAM_IDLE_TIMEOUT_S, the batch goes to the next collector.
 */
import { get } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { startTestServer, type TestServer } from '../support/server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A database of this file's own (support/own-database.ts): the job runs every second as the first
// server asks, and no other test's server runs the job on the second's streams. (On the suite's
// shared database one did: it expired one idle stream, the start below the limit then reaped nothing,
// and the other stream's message stayed in flight.)
let own: OwnDatabase;
beforeAll(async () => {
  own = await ownDatabase('stream-expiry');
});
afterAll(() => own?.release());

describe('with the expiry job running', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DATABASE_URL: own.url, JOBS: 'on', STREAM_IDLE_TIMEOUT_S: '2', EXPIRY_CHECK_INTERVAL_S: '1' });
  });
  afterAll(() => server?.stop());

  it('redelivers an abandoned batch to a new stream, and the old Pull-Next answers 410', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 3);
    const abandoned = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    expect(abandoned.messages).toHaveLength(3);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ inFlight: 3, pending: 0 });

    // Nobody else gets them while the stream is alive...
    const meanwhile = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    expect(meanwhile.status).toBe(204);

    // ...and once it has been idle past the timeout, the job releases them.
    await waitFor(async () => (await messageCounts(server.db, ispb)).inFlight === 0, 6000);
    const statuses = async () =>
      (await server.db.query(`SELECT status FROM streams WHERE ispb = $1 ORDER BY id`, [ispb])).rows.map((row) => row.status);
    // The second stream went quiet 400 ms later; the job may reach it on its next round.
    await waitFor(async () => !(await statuses()).includes('open'), 6000);
    expect(await statuses()).toEqual(['expired', 'expired']);

    const rescuer = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    expect(rescuer.messages.map((m) => m.endToEndId).sort()).toEqual(abandoned.messages.map((m) => m.endToEndId).sort());
    const late = await get(server.url, abandoned.pullNext!, 'multipart/json');
    expect(late.status).toBe(410);
    expect(late.contentType).toMatch(/^application\/problem\+json/);

    const done = await get(server.url, rescuer.pullNext!, 'multipart/json');
    expect(done.status).toBe(204);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 3, redelivered: 3 });
  });

  it('a stream in use does not expire', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 1);
    let reply = await get(server.url, `/api/pix/${ispb}/stream/start`);
    // Six long polls of 400 ms: 2.4 s in all, well past the 2 s idle timeout, but never idle for 2 s.
    for (let i = 0; i < 6; i++) {
      reply = await get(server.url, reply.pullNext!);
      expect(reply.status).toBe(204);
    }
    const { rows } = await server.db.query(`SELECT status FROM streams WHERE ispb = $1`, [ispb]);
    expect(rows).toEqual([{ status: 'open' }]);
  });
});

describe('without the job', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DATABASE_URL: own.url, JOBS: 'off', STREAM_IDLE_TIMEOUT_S: '1', MAX_COLLECTORS_PER_ISPB: '2' });
  });
  afterAll(() => server?.stop());

  it('a start at the limit first expires idle streams, and takes their messages', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 2);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`);
    const second = await get(server.url, `/api/pix/${ispb}/stream/start`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await get(server.url, `/api/pix/${ispb}/stream/start`)).status).toBe(429);

    await sleep(1200);
    const third = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    expect(third.status).toBe(200);
    expect(third.messages).toHaveLength(2);
    expect((await get(server.url, first.pullNext!)).status).toBe(410);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}
