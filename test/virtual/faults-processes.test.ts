/**
 * Faults on two API processes (a database of the file's own): faults set
 * through one process are met on the other within a second, the injections
 * of both are counted together, and turning them off through the second
 * reaches the first.
 */
import { icomRequest } from '../support/icom-client';
import { randomIspb } from '../support/factories';
import { Fleet } from '../support/process-fleet';

const fleet = new Fleet('faults-processes', {});
beforeAll(() => fleet.start(2), 60_000);
afterAll(() => fleet.stop());
const url = (i: number) => fleet.processes[i]!.url;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const start = (i: number, ispb: string) => icomRequest(url(i), `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
const json = (i: number, method: string, path: string, body?: unknown) =>
  fetch(`${url(i)}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

it('set on one process, met and counted on both, turned off through the other', async () => {
  const ispb = randomIspb();
  expect((await json(0, 'PUT', `/api/util/faults/${ispb}`, { throttle: { share: 1, retryAfterS: 3 } })).status).toBe(201);
  await sleep(1100); // each process reads the faults at most once a second
  for (const i of [0, 1, 1]) {
    const reply = await start(i, ispb);
    expect([i, reply.status, reply.headers.get('retry-after')]).toEqual([i, 429, '3']);
  }
  await sleep(1100); // both processes have written their counts
  const read = await json(1, 'GET', `/api/util/faults/${ispb}`);
  expect(await read.json()).toMatchObject({ ispb, injected: { throttle: 3 } });
  expect((await json(1, 'DELETE', `/api/util/faults/${ispb}`)).status).toBe(204);
  await sleep(1100);
  expect((await start(0, ispb)).status).toBe(204);
  expect((await start(1, ispb)).status).toBe(204);
});
