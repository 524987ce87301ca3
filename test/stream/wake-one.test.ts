/**
 * A message arriving for an ISPB whose six collectors all wait wakes one of
 * them, and only that one runs a claim: the others go on waiting without a
 * transaction each (src/stream/long-poll.ts). Claims are counted by the API's
 * own metric, pix_stream_claim_seconds_count, one per claim statement.
 */
import { get, type Reply } from '../support/collector';
import { randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

const LONG_POLL_MS = 8000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: String(LONG_POLL_MS) });
});
afterAll(() => server.stop());

async function claimsSoFar(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('pix_stream_claim_seconds_count'));
  return Number(line!.split(' ').pop());
}

it.each([
  ['one message', 1, 'application/json', 1],
  ['a full batch, then the rest', 13, 'multipart/json', 2],
])('%s for six waiting collectors: only the collectors given messages claim', async (_name, count, accept, answered) => {
  const ispb = randomIspb();
  const started = Date.now();
  const idle = await claimsSoFar();
  const collectors: Promise<Reply>[] = Array.from({ length: 6 }, () => get(server.url, `/api/pix/${ispb}/stream/start`, accept));
  // All six have made their first (empty) attempt and wait. Not a fixed pause: under the full
  // suite's load, 500 ms once left three starts still to make theirs, and they were counted below.
  while ((await claimsSoFar()) - idle < 6) await sleep(20);
  const before = await claimsSoFar();
  expect(before - idle).toBe(6);

  await seedMessages(server.db, ispb, count);
  const replies: Reply[] = [];
  for (const collector of collectors) void collector.then((reply) => replies.push(reply));
  while (replies.filter((reply) => reply.status === 200).length < answered) await sleep(20);
  const during = (await claimsSoFar()) - before;
  // Measured well inside the long poll: nobody has timed out into its final attempt yet.
  expect(Date.now() - started).toBeLessThan(LONG_POLL_MS - 1000);
  expect(during).toBe(answered);

  const all = await Promise.all(collectors);
  expect(all.flatMap((reply) => reply.messages)).toHaveLength(count);
  expect(all.filter((reply) => reply.status === 200)).toHaveLength(answered);
  expect(all.filter((reply) => reply.status === 204)).toHaveLength(6 - answered);
});
