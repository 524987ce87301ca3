/**
 * The client library (src/client) on the ICOM face: against servers that
 * speak its contract with the faults a real network has (a stub with canned
 * messages, test/support/icom-stub.ts, and scripted replies), and at the end
 * against the real face.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStream, StreamError, type Batch, type IcomMessage, type StreamEvent } from '../../src/client';
import { renderMultipartMixed } from '../../src/http/icom/multipart';
import { newResourceId } from '../../src/iso20022/ids';
import { renderProblemXml } from '../../src/iso20022/problem-xml';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startIcomStub, type CannedMessage, type IcomStub } from '../support/icom-stub';
import { startTestServer, type TestServer } from '../support/server';

const ISPB = 'AB12CD34'; // the ICOM face allows letters

function canned(count: number): CannedMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    resourceId: newResourceId(),
    xml: `<?xml version="1.0" encoding="UTF-8"?><Envelope xmlns="https://www.bcb.gov.br/pi/pacs.008/1.16"><n>${i}</n><Nm>ação ${'x'.repeat(200)}</Nm></Envelope>`,
  }));
}

async function drain(batches: AsyncIterable<Batch<IcomMessage>>, onBatch: (batch: Batch<IcomMessage>) => void = () => undefined): Promise<IcomMessage[]> {
  const messages: IcomMessage[] = [];
  for await (const batch of batches) {
    messages.push(...batch.messages);
    onBatch(batch);
    if (batch.status === 204) break;
  }
  return messages;
}

describe('ICOM contract, against a stub', () => {
  let stub: IcomStub;
  afterEach(() => stub.close());

  it('multipart/mixed with gzip: every message in order, with its PI-ResourceId; a DELETE answering 410 counts as closed', async () => {
    const messages = canned(25);
    stub = await startIcomStub({ ispb: ISPB, messages, deleteStatus: 410 });
    const events: StreamEvent[] = [];
    const stream = openStream({ baseUrl: stub.url, ispb: ISPB, face: 'icom', multipart: true, onEvent: (e) => events.push(e) });

    expect(await drain(stream)).toEqual(messages);
    expect(await stream.close()).toBe('already-ended');
    expect(events).toEqual([]);
    expect(stub.gzipped).toBeGreaterThan(0);
    expect(stub.requests[0]).toBe(`GET /api/v1/out/${ISPB}/stream/start multipart/mixed gzip`);
    expect(stub.requests.at(-1)).toMatch(/^DELETE \/api\/v1\/out\/AB12CD34\/stream\/it\/\S+ /);
    expect(stub.acknowledged).toEqual(messages.map((m) => m.resourceId));
  });

  it('application/xml: one message per request, its id from the PI-ResourceId response header', async () => {
    const messages = canned(4);
    stub = await startIcomStub({ ispb: ISPB, messages });
    const sizes: number[] = [];
    const stream = openStream({ baseUrl: stub.url, ispb: ISPB, face: 'icom', gzip: false });
    expect(await drain(stream, (b) => sizes.push(b.messages.length))).toEqual(messages);
    expect(sizes).toEqual([1, 1, 1, 1, 0]);
    expect(stub.requests[1]).toMatch(/ application\/xml -$/);
    expect(stub.acknowledged).toEqual(messages.map((m) => m.resourceId));
  });

  it('a 429 on start is waited out (Retry-After), then the stream starts', async () => {
    stub = await startIcomStub({ ispb: ISPB, messages: canned(3), refuseStarts: 1 });
    const events: StreamEvent[] = [];
    const startedAt = Date.now();
    const got = await drain(openStream({ baseUrl: stub.url, ispb: ISPB, face: 'icom', multipart: true, onEvent: (e) => events.push(e) }));
    expect(got).toHaveLength(3);
    expect(events).toEqual([{ type: 'refused', attempt: 1, delayMs: 1000, reason: '429: too many open streams' }]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
  });

  it.each([
    ['with', 100, 30, 10],
    ['without', undefined, 40, 0],
  ])('a stream that expires (410) is started again; its lost batch comes again, dropped %s a dedupe window', async (_w, dedupe, handed, dropped) => {
    const messages = canned(30);
    stub = await startIcomStub({ ispb: ISPB, messages });
    const events: StreamEvent[] = [];
    let batches = 0;
    let duplicates = 0;
    const stream = openStream({ baseUrl: stub.url, ispb: ISPB, face: 'icom', multipart: true, dedupe, onEvent: (e) => events.push(e) });
    const got = await drain(stream, (batch) => {
      duplicates += batch.duplicates;
      // Processed the second batch, but the stream expires before the request that would acknowledge it.
      if (++batches === 2) stub.expireStreams();
    });
    expect(got).toHaveLength(handed);
    expect(new Set(got.map((m) => m.resourceId)).size).toBe(30);
    expect(duplicates).toBe(dropped);
    expect(events).toEqual([expect.objectContaining({ type: 'restart', reason: '410: the stream has expired', beforeFirstAnswer: false })]);
    expect(new Set(stub.acknowledged).size).toBe(30);
  });
});

/** A server answering each request with the next of `replies`, recording "METHOD path". */
async function scripted(replies: { status: number; headers?: Record<string, string>; body?: string | Buffer }[]) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const reply = replies.shift() ?? { status: 500, body: 'script exhausted' };
    res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close };
}

const xml = (id: string) => ({ 'content-type': 'application/xml', 'PI-ResourceId': id });
const problemXml = (status: number, detail: string) => renderProblemXml({ title: 'Problem', status, detail });

describe('ICOM contract, scripted replies', () => {
  it('a 503 with Retry-After is waited out and the same URI requested again', async () => {
    const server = await scripted([
      { status: 200, headers: { ...xml('r1'), 'PI-Pull-Next': '/p/1' }, body: '<a/>' },
      { status: 503, headers: { 'content-type': 'application/problem+xml', 'retry-after': '1' }, body: problemXml(503, 'database down') },
      { status: 200, headers: { ...xml('r2'), 'PI-Pull-Next': '/p/2' }, body: '<b/>' },
      { status: 204, headers: { 'PI-PULL-Next': '/p/3' } },
      { status: 200 },
    ]);
    const events: StreamEvent[] = [];
    const got = await drain(openStream({ baseUrl: server.url, ispb: ISPB, face: 'icom', onEvent: (e) => events.push(e) }));
    await server.close();
    expect(got).toEqual([{ resourceId: 'r1', xml: '<a/>' }, { resourceId: 'r2', xml: '<b/>' }]);
    expect(server.requests).toEqual([`GET /api/v1/out/${ISPB}/stream/start`, 'GET /p/1', 'GET /p/1', 'GET /p/2', 'DELETE /p/3']);
    expect(events).toEqual([expect.objectContaining({ type: 'retry', attempt: 1, delayMs: 1000, reason: '503: database down' })]);
  });

  it('a part without PI-ResourceId fails the stream with a StreamError; the batch before it is still acknowledged', async () => {
    const bad = renderMultipartMixed([{ headers: { 'Content-Type': 'application/xml' }, body: '<c/>' }]);
    const server = await scripted([
      { status: 200, headers: { ...xml('r1'), 'PI-Pull-Next': '/p/1' }, body: '<a/>' },
      { status: 200, headers: { 'content-type': bad.contentType, 'PI-Pull-Next': '/p/2' }, body: bad.body },
      { status: 200 },
    ]);
    const got: IcomMessage[] = [];
    await expect(drain(openStream({ baseUrl: server.url, ispb: ISPB, face: 'icom', multipart: true }), (b) => got.push(...b.messages))).rejects.toThrow(
      /part 1 has no PI-ResourceId/,
    );
    await server.close();
    expect(got).toEqual([{ resourceId: 'r1', xml: '<a/>' }]);
    expect(server.requests.at(-1)).toBe('DELETE /p/1');
  });

  it('a refused start is a StreamError naming the problem+xml detail', async () => {
    const server = await scripted([{ status: 400, headers: { 'content-type': 'application/problem+xml' }, body: problemXml(400, 'ISPB <x> is bad') }]);
    const error = await drain(openStream({ baseUrl: server.url, ispb: ISPB, face: 'icom' })).catch((err: unknown) => err);
    await server.close();
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toBe(`GET /api/v1/out/${ISPB}/stream/start answered 400: ISPB <x> is bad`);
    expect(server.requests).toHaveLength(1);
  });

  it('ISPBs are checked per face', () => {
    expect(() => openStream({ baseUrl: 'http://localhost', ispb: ISPB, face: 'icom' })).not.toThrow();
    expect(() => openStream({ baseUrl: 'http://localhost', ispb: 'ab12cd34', face: 'icom' })).toThrow(/0-9 and A-Z/);
    expect(() => openStream({ baseUrl: 'http://localhost', ispb: ISPB, face: 'challenge' })).toThrow(/8 digits/);
  });
});

describe('ICOM face, against the real API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '400' });
  });
  afterAll(() => server.stop());

  it.each([
    ['multipart/mixed', true],
    ['application/xml', false],
  ])('drains 300 credit transfers (%s) as pacs.008, each once, all acknowledged, the stream closed', async (_type, multipart) => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 300);
    const stream = openStream({ baseUrl: server.url, ispb, face: 'icom', multipart });
    const got = await drain(stream);
    expect(got).toHaveLength(300);
    expect(new Set(got.map((m) => m.resourceId)).size).toBe(300);
    for (const message of got) expect(message.xml).toMatch(/<EndToEndId>E\w{31}<\/EndToEndId>/);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 300, acked: 300, pending: 0, inFlight: 0 });
    const { rows } = await server.db.query(`SELECT status FROM streams WHERE ispb = $1`, [ispb]);
    expect(rows).toEqual([{ status: 'closed' }]);
  }, 60_000);

  it('return() mid-drain acknowledges the last batch and closes the stream', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 50);
    let got = 0;
    for await (const batch of openStream({ baseUrl: server.url, ispb, face: 'icom', multipart: true })) {
      got += batch.messages.length;
      if (got >= 20) break;
    }
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 20, pending: 30, inFlight: 0 });
  });
});
