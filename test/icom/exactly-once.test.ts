/**
 * One queue per participant, two faces: 2,000 messages drained at once by 3
 * challenge collectors and 3 ICOM collectors reach each message exactly once
 * (union = all, no duplicates, all acknowledged); a forced redelivery keeps
 * each message's PI-ResourceId; the collector limit counts streams of both faces.
 */
import { drain } from '../support/collector';
import { icomDrain, icomRequest } from '../support/icom-client';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { thirdPartyXml } from '../support/pacs008-third-party';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '500' });
});
afterAll(() => server.stop());

const endToEndIdOf = (xml: string): string => thirdPartyXml.parse(xml).Envelope.Document.FIToFICstmrCdtTrf.CdtTrfTxInf.PmtId.EndToEndId;

it('3 challenge + 3 ICOM collectors drain 2,000 messages: each delivered and acknowledged exactly once', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 2000);
  const collectors = [
    ...Array.from({ length: 3 }, () => drain(server.url, ispb, { multipart: true }).then((messages) => messages.map((m) => m.endToEndId))),
    ...Array.from({ length: 3 }, () => icomDrain(server.url, ispb, { multipart: true, gzip: true }).then((messages) => messages.map((m) => endToEndIdOf(m.xml)))),
  ];
  const received = await Promise.all(collectors);
  const all = received.flat();
  console.log(`cross-face drain: challenge ${received.slice(0, 3).map((r) => r.length).join('+')}, ICOM ${received.slice(3).map((r) => r.length).join('+')}`);
  expect(all).toHaveLength(2000);
  expect(new Set(all).size).toBe(2000);
  expect(received.slice(0, 3).flat().length).toBeGreaterThan(0);
  expect(received.slice(3).flat().length).toBeGreaterThan(0);
  expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 2000, acked: 2000, pending: 0, inFlight: 0, redelivered: 0 });
}, 120_000);

it('a batch released by a closed stream is delivered again with the same PI-ResourceIds', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 10);
  const first = await icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
  expect(first.messages).toHaveLength(10);
  // The collector vanishes; the stream is stopped (as expiry would), its batch back to pending.
  await fetch(`${server.url}/api/pix/${ispb}/stream/stop`);
  const second = await icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
  const byEndToEnd = (reply: typeof first) => new Map(reply.messages.map((m) => [endToEndIdOf(m.xml), m.resourceId]));
  expect(byEndToEnd(second)).toEqual(byEndToEnd(first));
  expect(await messageCounts(server.db, ispb)).toMatchObject({ redelivered: 10 });
  await icomRequest(server.url, second.pullNext!, {}, 'DELETE');
});

it('the limit counts both faces: 4 challenge + 2 ICOM streams open, the next start on either face is 429', async () => {
  const ispb = randomIspb();
  const challenge = await Promise.all(Array.from({ length: 4 }, () => fetch(`${server.url}/api/pix/${ispb}/stream/start`)));
  const icom = await Promise.all(Array.from({ length: 2 }, () => icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`)));
  expect([...challenge.map((r) => r.status), ...icom.map((r) => r.status)]).toEqual([204, 204, 204, 204, 204, 204]);
  const refusedChallenge = await fetch(`${server.url}/api/pix/${ispb}/stream/start`);
  const refusedIcom = await icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`);
  expect([refusedChallenge.status, refusedIcom.status]).toEqual([429, 429]);
  expect(refusedChallenge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(refusedIcom.contentType).toMatch(/^application\/problem\+xml/);
  expect(refusedIcom.headers.get('retry-after')).toMatch(/^\d+$/);
  await fetch(`${server.url}/api/pix/${ispb}/stream/stop`);
});
