/**
 * A posted message wakes the collectors waiting for its receiver, and a
 * rejected one the sender's collectors waiting for its admi.002, on the API
 * process that stored it and on every other one (src/stream/wakes.ts: the
 * storing process wakes its own waiters directly, then NOTIFYs the others
 * after the commit). Long polls here last 20 s, so a collector left unwoken
 * would answer 204 far past the bound each check allows.
 */
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { randomIspb } from '../support/factories';
import { icomRequest } from '../support/icom-client';
import { creditTransfer, post, withThreeDecimalAmount } from '../support/icom-post';
import { startTestServer, type TestServer } from '../support/server';

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

/**
 * Opens a long poll for `ispb` at `collectorUrl`, runs `act` once the
 * collector waits (nothing was pending when it asked), and returns the reply,
 * checked to be a 200 that came within WOKEN_WITHIN_MS of `act` and before the
 * long poll's end.
 */
async function replyWhileWaiting(collectorUrl: string, ispb: string, act: () => Promise<void>) {
  const started = Date.now();
  const waiting = icomRequest(collectorUrl, `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
  await sleep(500);
  await act();
  const actedAt = Date.now();
  const reply = await waiting;
  expect(reply.status).toBe(200);
  expect(Date.now() - actedAt).toBeLessThan(WOKEN_WITHIN_MS);
  expect(Date.now() - started).toBeLessThan(LONG_POLL_MS);
  return reply;
}

describe.each([
  ['the process that stored it', () => here.url],
  ['another API process', () => other.url],
])('a credit transfer posted to one process wakes a collector waiting on %s', (_, collectorUrl) => {
  it(`answers the waiting long poll with it within ${WOKEN_WITHIN_MS} ms`, async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    let resourceIds: string[] = [];
    const reply = await replyWhileWaiting(collectorUrl(), receiver, async () => {
      const posted = await post(here.url, payer, [creditTransfer(payer, receiver).xml]);
      expect(posted.status).toBe(201);
      resourceIds = posted.resourceIds;
    });
    expect(reply.messages.map((message) => message.resourceId)).toEqual(resourceIds);
    await icomRequest(collectorUrl(), reply.pullNext!, {}, 'DELETE');
  }, 30_000);
});

describe.each([
  ['the process that rejected it', () => here.url],
  ['another API process', () => other.url],
])('a rejected post wakes the sender\'s collector waiting on %s', (_, collectorUrl) => {
  it(`answers the waiting long poll with the admi.002 within ${WOKEN_WITHIN_MS} ms`, async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    const reply = await replyWhileWaiting(collectorUrl(), payer, async () => {
      expect((await post(here.url, payer, [withThreeDecimalAmount(transfer.xml)])).status).toBe(201);
    });
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0].xml).toContain('admi.002');
    expect(reply.messages[0].xml).toContain(transfer.bizMsgIdr);
    await icomRequest(collectorUrl(), reply.pullNext!, {}, 'DELETE');
  }, 30_000);
});
