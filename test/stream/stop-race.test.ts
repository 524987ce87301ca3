/**
 * /stream/stop while collectors are mid-claim: whatever a pull was claiming as
 * stop ran must come back to pending, not stay in flight on a closed stream.
 */
import { get } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '200' });
});
afterAll(() => server.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A start; a stop can close the new stream before its first answer (410): start again, as a collector would. */
async function start(ispb: string) {
  for (;;) {
    const reply = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    if (reply.status !== 410) return reply;
  }
}

async function collectUntilEmpty(ispb: string): Promise<void> {
  let reply = await start(ispb);
  for (;;) {
    if (reply.status === 204) {
      await get(server.url, reply.pullNext!, 'multipart/json', 'DELETE');
      return;
    }
    const next = await get(server.url, reply.pullNext!, 'multipart/json');
    // Stopped under us: start again, as a collector would.
    reply = next.status === 410 ? await start(ispb) : next;
  }
}

it.each([1, 2, 3])('stop in the middle of a drain strands nothing (round %i)', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 2000);
  const collectors = [collectUntilEmpty(ispb), collectUntilEmpty(ispb), collectUntilEmpty(ispb)];
  await sleep(100);
  expect((await get(server.url, `/api/pix/${ispb}/stream/stop`)).status).toBe(200);
  await Promise.all(collectors);
  expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 2000, acked: 2000, pending: 0, inFlight: 0 });
});
