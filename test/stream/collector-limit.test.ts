/**
 * At most MAX_COLLECTORS_PER_ISPB (default 6) open streams per ISPB; the next
 * start gets 429 + Retry-After. Decided under a per-ISPB advisory lock, so the
 * limit holds for simultaneous starts and across API processes.
 */
import { get } from '../support/collector';
import { randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

interface StartReply {
  status: number;
  pullNext: string | null;
  retryAfter: string | null;
  contentType: string | null;
  body: unknown;
}

async function start(baseUrl: string, ispb: string): Promise<StartReply> {
  const res = await fetch(`${baseUrl}/api/pix/${ispb}/stream/start`);
  const text = await res.text();
  return {
    status: res.status,
    pullNext: res.headers.get('pull-next'),
    retryAfter: res.headers.get('retry-after'),
    contentType: res.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

function startsAtOnce(urls: string[], ispb: string, count: number): Promise<StartReply[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => start(urls[index % urls.length], ispb)));
}

async function openStreams(server: TestServer, ispb: string): Promise<number> {
  const { rows } = await server.db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb]);
  return rows[0].open;
}

function expectRefusal(reply: StartReply): void {
  expect(reply.status).toBe(429);
  expect(reply.contentType).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status: 429, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
  expect(reply.retryAfter).toMatch(/^\d+$/);
  expect(Number(reply.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(reply.pullNext).toBeNull();
}

const succeeded = (replies: StartReply[]) => replies.filter((reply) => reply.status === 200 || reply.status === 204);
const refused = (replies: StartReply[]) => replies.filter((reply) => reply.status === 429);

describe('collector limit (default 6 per ISPB)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('of 20 simultaneous starts exactly 6 open a stream and 14 get 429 with Retry-After', async () => {
    const ispb = randomIspb();
    const replies = await startsAtOnce([server.url], ispb, 20);

    expect(replies.map((reply) => reply.status).sort()).toEqual([...Array(6).fill(204), ...Array(14).fill(429)]);
    succeeded(replies).forEach((reply) => expect(reply.pullNext).toMatch(new RegExp(`^/api/pix/${ispb}/stream/[0-9a-f-]{36}$`)));
    refused(replies).forEach(expectRefusal);
    expect(await openStreams(server, ispb)).toBe(6);
  });

  it('closing one stream frees exactly one slot', async () => {
    const ispb = randomIspb();
    const replies = await startsAtOnce([server.url], ispb, 7);
    expect(succeeded(replies)).toHaveLength(6);

    const closed = await get(server.url, succeeded(replies)[0].pullNext!, undefined, 'DELETE');
    expect(closed.status).toBe(200);
    expect(await openStreams(server, ispb)).toBe(5);

    expect([200, 204]).toContain((await start(server.url, ispb)).status);
    expectRefusal(await start(server.url, ispb));
    expect(await openStreams(server, ispb)).toBe(6);
  });

  it('stop frees every slot of the ISPB', async () => {
    const ispb = randomIspb();
    expect(succeeded(await startsAtOnce([server.url], ispb, 6))).toHaveLength(6);
    expectRefusal(await start(server.url, ispb));
    expect((await get(server.url, `/api/pix/${ispb}/stream/stop`)).body).toEqual({ ispb, closed: 6 });
    expect(succeeded(await startsAtOnce([server.url], ispb, 6))).toHaveLength(6);
  });

  it('is counted per ISPB: a full ISPB does not stop another from starting', async () => {
    const full = randomIspb();
    expect(succeeded(await startsAtOnce([server.url], full, 6))).toHaveLength(6);
    expectRefusal(await start(server.url, full));

    const other = randomIspb();
    const replies = await startsAtOnce([server.url], other, 6);
    expect(succeeded(replies)).toHaveLength(6);
    expect(await openStreams(server, other)).toBe(6);
    expect(await openStreams(server, full)).toBe(6);
  });
});

describe('collector limit set by MAX_COLLECTORS_PER_ISPB=2', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_COLLECTORS_PER_ISPB: '2' });
  });
  afterAll(() => server.stop());

  it('of 8 simultaneous starts exactly 2 open a stream', async () => {
    const ispb = randomIspb();
    const replies = await startsAtOnce([server.url], ispb, 8);
    expect(succeeded(replies)).toHaveLength(2);
    expect(refused(replies)).toHaveLength(6);
    refused(replies).forEach(expectRefusal);
    expect(await openStreams(server, ispb)).toBe(2);
  });
});

describe('collector limit across two API processes on one database', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    [first, second] = await Promise.all([startTestServer(), startTestServer()]);
  });
  afterAll(() => Promise.all([first.stop(), second.stop()]));

  it('of 10 simultaneous starts spread over both processes exactly 6 succeed in total', async () => {
    const ispb = randomIspb();
    const replies = await startsAtOnce([first.url, second.url], ispb, 10);
    expect(succeeded(replies)).toHaveLength(6);
    expect(refused(replies)).toHaveLength(4);
    refused(replies).forEach(expectRefusal);
    expect(await openStreams(first, ispb)).toBe(6);
  });

  it('a slot freed on one process can be taken on the other', async () => {
    const ispb = randomIspb();
    const replies = await startsAtOnce([first.url], ispb, 6);
    expect(succeeded(replies)).toHaveLength(6);
    expectRefusal(await start(second.url, ispb));

    expect((await get(first.url, replies[0].pullNext!, undefined, 'DELETE')).status).toBe(200);
    expect([200, 204]).toContain((await start(second.url, ispb)).status);
    expectRefusal(await start(first.url, ispb));
  });
});
