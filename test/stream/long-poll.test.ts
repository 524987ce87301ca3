/**
 * Long poll: an empty stream answers 204 after LONG_POLL_TIMEOUT_MS; a waiting
 * collector is woken by NOTIFY as soon as a message is inserted, by this
 * process or another; a client hanging up ends its wait without losing messages.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { get, type Reply } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let quick: TestServer; // LONG_POLL_TIMEOUT_MS 400
let patient: TestServer; // LONG_POLL_TIMEOUT_MS 5000
let patientPeer: TestServer; // a second process on the same database
beforeAll(async () => {
  [quick, patient, patientPeer] = await Promise.all([
    startTestServer({ LONG_POLL_TIMEOUT_MS: '400' }),
    startTestServer({ LONG_POLL_TIMEOUT_MS: '5000' }),
    startTestServer({ LONG_POLL_TIMEOUT_MS: '5000' }),
  ]);
});
afterAll(() => Promise.all([quick.stop(), patient.stop(), patientPeer.stop()]));

/** Resolves with the reply and the moment it arrived. */
async function timed(promise: Promise<Reply>): Promise<{ reply: Reply; at: number }> {
  const reply = await promise;
  return { reply, at: Date.now() };
}

async function generateThroughApi(baseUrl: string, ispb: string, count: number): Promise<number> {
  const res = await fetch(`${baseUrl}/api/util/msgs/${ispb}/${count}`, { method: 'POST' });
  expect(res.status).toBe(201);
  await res.text();
  return Date.now();
}

describe('an empty stream', () => {
  it('answers 204 with a Pull-Next after about LONG_POLL_TIMEOUT_MS', async () => {
    const startedAt = Date.now();
    const reply = await get(quick.url, `/api/pix/${randomIspb()}/stream/start`);
    const elapsed = Date.now() - startedAt;
    expect(reply.status).toBe(204);
    expect(reply.pullNext).not.toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(3000);
  });

  it('waits the long poll on pull-next too, then answers 204 with a new Pull-Next', async () => {
    const ispb = randomIspb();
    const first = await get(quick.url, `/api/pix/${ispb}/stream/start`);
    const startedAt = Date.now();
    const second = await get(quick.url, first.pullNext!);
    expect(second.status).toBe(204);
    expect(second.pullNext).not.toBe(first.pullNext);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(350);
  });
});

describe('a waiting collector', () => {
  it('is answered within 500 ms of a message being generated through the API', async () => {
    const ispb = randomIspb();
    const waiting = timed(get(patient.url, `/api/pix/${ispb}/stream/start`));
    await sleep(300);
    const postedAt = await generateThroughApi(patient.url, ispb, 1);
    const { reply, at } = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0].recebedor.ispb).toBe(ispb);
    expect(at - postedAt).toBeLessThan(500);
  });

  it('is woken by a message inserted through another API process (cross-process NOTIFY)', async () => {
    const ispb = randomIspb();
    const waiting = timed(get(patient.url, `/api/pix/${ispb}/stream/start`, 'multipart/json'));
    await sleep(300);
    const postedAt = await generateThroughApi(patientPeer.url, ispb, 3);
    const { reply, at } = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.messages.length).toBeGreaterThanOrEqual(1);
    // Well inside the 5 s long poll: it was the NOTIFY, not the deadline, that answered.
    expect(at - postedAt).toBeLessThan(1000);
  });

  it('waiting on a pull-next URI is woken too', async () => {
    const ispb = randomIspb();
    await seedMessages(patient.db, ispb, 1);
    const first = await get(patient.url, `/api/pix/${ispb}/stream/start`);
    expect(first.status).toBe(200);
    const waiting = timed(get(patient.url, first.pullNext!));
    await sleep(300);
    const postedAt = await generateThroughApi(patientPeer.url, ispb, 1);
    const { reply, at } = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.messages[0].endToEndId).not.toBe(first.messages[0].endToEndId);
    expect(at - postedAt).toBeLessThan(1000);
  });
});

describe('a client hanging up mid-wait', () => {
  async function abortAfter(url: string, ms: number): Promise<void> {
    const controller = new AbortController();
    const request = fetch(url, { signal: controller.signal });
    await sleep(ms);
    controller.abort();
    await expect(request).rejects.toThrow();
  }

  it('on pull-next: the server keeps serving, later messages stay pending and go to that URI when requested again', async () => {
    const ispb = randomIspb();
    const started = await get(quick.url, `/api/pix/${ispb}/stream/start`);
    expect(started.status).toBe(204);

    await abortAfter(patient.url + started.pullNext!, 200);
    await sleep(100);
    expect((await get(patient.url, '/health')).status).toBe(200);

    await seedMessages(patient.db, ispb, 3);
    await sleep(200); // give a leftover waiter, if any, the chance to (wrongly) claim
    expect(await messageCounts(patient.db, ispb)).toMatchObject({ total: 3, pending: 3, inFlight: 0, acked: 0 });

    const resumed = await get(patient.url, started.pullNext!, 'multipart/json');
    expect(resumed.status).toBe(200);
    expect(resumed.messages).toHaveLength(3);
    const closed = await get(patient.url, resumed.pullNext!, undefined, 'DELETE');
    expect(closed.status).toBe(200);
    expect(await messageCounts(patient.db, ispb)).toMatchObject({ pending: 0, inFlight: 0, acked: 3, redelivered: 0 });
  });

  it('on start: later messages are not claimed by the abandoned wait and go to the next collector', async () => {
    const ispb = randomIspb();
    await abortAfter(`${patient.url}/api/pix/${ispb}/stream/start`, 200);
    await sleep(100);

    await seedMessages(patient.db, ispb, 2);
    await sleep(200);
    expect(await messageCounts(patient.db, ispb)).toMatchObject({ total: 2, pending: 2, inFlight: 0 });

    const next = await get(patient.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    expect(next.status).toBe(200);
    expect(next.messages).toHaveLength(2);
  });

  it('does not leave the process unable to answer other long polls', async () => {
    const ispb = randomIspb();
    await Promise.all(Array.from({ length: 5 }, () => abortAfter(`${patient.url}/api/pix/${ispb}/stream/start`, 100)));
    await get(patient.url, `/api/pix/${ispb}/stream/stop`);
    const waiting = get(patient.url, `/api/pix/${ispb}/stream/start`);
    await sleep(200);
    await generateThroughApi(patient.url, ispb, 1);
    expect((await waiting).status).toBe(200);
  });
});
