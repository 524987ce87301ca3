import request from 'supertest';
import { get } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const PULL_NEXT = /^\/api\/pix\/(\d{8})\/stream\/([0-9a-f-]{36})$/;

describe('GET /stream/start', () => {
  it('delivers one message as application/json with a Pull-Next URI', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 3);
    const res = await request(server.url).get(`/api/pix/${ispb}/stream/start`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.recebedor.ispb).toBe(ispb);
    expect(res.body.endToEndId).toHaveLength(32);
    expect(res.headers['pull-next']).toMatch(PULL_NEXT);
    expect(res.headers['pull-next']).toContain(`/api/pix/${ispb}/`);
  });

  it('delivers up to 10 messages as a multipart/json array when Accept names it', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 14);
    // fetch, not supertest: superagent would try to parse multipart/* as a form upload.
    const res = await get(server.url, `/api/pix/${ispb}/stream/start`, 'text/html, multipart/json; charset=utf-8');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^multipart\/json/);
    expect(res.body).toHaveLength(10);
    expect(res.messages.every((message) => message.recebedor.ispb === ispb)).toBe(true);
    const next = await get(server.url, res.pullNext!, 'multipart/json');
    expect(next.status).toBe(200);
    expect(next.messages).toHaveLength(4);
  });

  it('answers 204 with a Pull-Next when nothing arrives within the long poll', async () => {
    const res = await request(server.url).get(`/api/pix/${randomIspb()}/stream/start`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['pull-next']).toMatch(PULL_NEXT);
  });
});

describe('GET /stream/{iterationId}', () => {
  it('acknowledges the previous batch and delivers the next', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 2);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ inFlight: 1, acked: 0, pending: 1 });
    const second = await get(server.url, first.pullNext!);
    expect(second.status).toBe(200);
    expect(second.messages[0].endToEndId).not.toBe(first.messages[0].endToEndId);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ inFlight: 1, acked: 1, pending: 0 });
    const third = await get(server.url, second.pullNext!);
    expect(third.status).toBe(204);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ inFlight: 0, acked: 2, pending: 0 });
  });

  it('answers 404 for an unknown iteration id and for one of another ISPB', async () => {
    const ispb = randomIspb();
    const unknown = await request(server.url).get(`/api/pix/${ispb}/stream/3f1c7e4a-9a4b-4c1e-8f2a-2b7d5c0e9a11`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);

    const started = await get(server.url, `/api/pix/${ispb}/stream/start`);
    const iterationId = PULL_NEXT.exec(started.pullNext!)![2];
    const elsewhere = await request(server.url).get(`/api/pix/${randomIspb()}/stream/${iterationId}`);
    expect(elsewhere.status).toBe(404);
  });
});

describe('DELETE /stream/{iterationId}', () => {
  it('acknowledges the last batch and closes the stream; a second DELETE is 410', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 1);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`);
    const closed = await request(server.url).delete(first.pullNext!);
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ ispb, closed: true });
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 1, inFlight: 0 });
    const again = await request(server.url).delete(first.pullNext!);
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ status: 410, title: 'Gone' });
    expect((await request(server.url).get(first.pullNext!)).status).toBe(410);
  });
});

describe('GET and DELETE /stream/stop', () => {
  it.each(['get', 'delete'] as const)('%s closes every open stream of the ISPB and releases their messages', async (method) => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 3);
    await get(server.url, `/api/pix/${ispb}/stream/start`);
    await get(server.url, `/api/pix/${ispb}/stream/start`);
    const res = await request(server.url)[method](`/api/pix/${ispb}/stream/stop`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ispb, closed: 2 });
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 3, inFlight: 0, acked: 0 });
  });
});

describe('POST /api/util/msgs/{ispb}/{number}', () => {
  it('creates the messages and answers 201 {ispb, created}', async () => {
    const ispb = randomIspb();
    const res = await request(server.url).post(`/api/util/msgs/${ispb}/25`);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ispb, created: 25 });
    expect((await messageCounts(server.db, ispb)).total).toBe(25);
  });
});

describe('health', () => {
  it('GET /health and /ready answer 200', async () => {
    expect((await request(server.url).get('/health')).body).toEqual({ status: 'ok' });
    expect((await request(server.url).get('/ready')).body).toEqual({ status: 'ready' });
  });
});
