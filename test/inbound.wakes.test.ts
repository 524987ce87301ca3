/**
 * A posted message wakes the collectors waiting for its receiver, and a
 * rejected one the sender's collectors waiting for its admi.002, on the API
 * process that stored it and on every other one (src/stream/wakes.ts: the
 * storing process wakes its own waiters directly, then NOTIFYs the others
 * after the commit). Long polls here last 20 s, so a collector left unwoken
 * would answer 204 far past the bound each check allows.
 */
import { startApiProcess, type ApiProcess } from './support/api-process';
import { randomIspb } from './support/factories';
import { icomRequest } from './support/icom-client';
import { creditTransfer, post } from './support/icom-post';
import { startTestServer, type TestServer } from './support/server';

const LONG_POLL_MS = 20_000;
const WOKEN_WITHIN_MS = 5_000;

let here: TestServer;
let other: ApiProcess;
beforeAll(async () => {
  const env = { LONG_POLL_TIMEOUT_MS: String(LONG_POLL_MS) };
  [here, other] = await Promise.all([startTestServer(env), startApiProcess(env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([here.stop(), other.stop()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['the process that stored it', () => here.url],
  ['another API process', () => other.url],
])('a credit transfer posted to one process wakes a collector waiting on %s', (_, collectorUrl) => {
  it(`answers the waiting long poll with it within ${WOKEN_WITHIN_MS} ms`, async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const started = Date.now();
    const waiting = icomRequest(collectorUrl(), `/api/v1/out/${receiver}/stream/start`, { accept: 'multipart/mixed' });
    await sleep(500); // the collector is waiting: nothing was pending when it asked
    const transfer = creditTransfer(payer, receiver);
    const posted = await post(here.url, payer, [transfer.xml]);
    expect(posted.status).toBe(201);
    const postedAt = Date.now();
    const reply = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.messages.map((message) => message.resourceId)).toEqual(posted.resourceIds);
    expect(Date.now() - postedAt).toBeLessThan(WOKEN_WITHIN_MS);
    expect(Date.now() - started).toBeLessThan(LONG_POLL_MS);
    await icomRequest(collectorUrl(), reply.pullNext!, {}, 'DELETE');
  }, 30_000);
});

describe.each([
  ['the process that rejected it', () => here.url],
  ['another API process', () => other.url],
])('a rejected post wakes the sender\'s collector waiting on %s', (_, collectorUrl) => {
  it(`answers the waiting long poll with the admi.002 within ${WOKEN_WITHIN_MS} ms`, async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const started = Date.now();
    const waiting = icomRequest(collectorUrl(), `/api/v1/out/${payer}/stream/start`, { accept: 'multipart/mixed' });
    await sleep(500);
    const transfer = creditTransfer(payer, receiver);
    const unreadable = transfer.xml.replace(/(<IntrBkSttlmAmt Ccy="BRL">\d+\.\d\d)/, '$15');
    expect((await post(here.url, payer, [unreadable])).status).toBe(422);
    const rejectedAt = Date.now();
    const reply = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0].xml).toContain('admi.002');
    expect(reply.messages[0].xml).toContain(transfer.bizMsgIdr);
    expect(Date.now() - rejectedAt).toBeLessThan(WOKEN_WITHIN_MS);
    expect(Date.now() - started).toBeLessThan(LONG_POLL_MS);
    await icomRequest(collectorUrl(), reply.pullNext!, {}, 'DELETE');
  }, 30_000);
});
