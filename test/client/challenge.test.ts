/**
 * The client library (src/client) on the challenge face, against the real API
 * in-process: what the consumer got must be exactly what the database counts
 * as acknowledged, whichever way the iteration ends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { openStream, type Batch, type ChallengeMessage, type PixStream, type StreamEvent } from '../../src/client';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

async function streamsOf(server: TestServer, ispb: string): Promise<string[]> {
  const { rows } = await server.db.query(`SELECT status FROM streams WHERE ispb = $1 ORDER BY id`, [ispb]);
  return rows.map((row) => row.status);
}

/** Every message until the first 204 (an empty long poll), then out of the loop. */
async function drain(stream: PixStream<ChallengeMessage>, batches: Batch<ChallengeMessage>[] = []): Promise<ChallengeMessage[]> {
  const messages: ChallengeMessage[] = [];
  for await (const batch of stream) {
    batches.push(batch);
    messages.push(...batch.messages);
    if (batch.status === 204) break;
  }
  return messages;
}

function expectEachOnce(messages: ChallengeMessage[], count: number, ispb: string): void {
  expect(messages).toHaveLength(count);
  expect(new Set(messages.map((m) => m.endToEndId)).size).toBe(count);
  for (const message of messages) expect((message.recebedor as { ispb: string }).ispb).toBe(ispb);
}

describe('challenge face', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '400' });
  });
  afterAll(() => server.stop());

  it.each([
    ['multipart', true, 10],
    ['single', false, 1],
  ])('drains 300 messages (%s), each once, all acknowledged, the stream closed on break', async (_mode, multipart, perBatch) => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 300);
    const batches: Batch<ChallengeMessage>[] = [];
    const stream = openStream({ baseUrl: server.url, ispb, face: 'challenge', multipart });

    expectEachOnce(await drain(stream, batches), 300, ispb);
    expect(Math.max(...batches.map((b) => b.messages.length))).toBe(perBatch);
    expect(batches.every((b) => b.pullNext.startsWith(`/api/pix/${ispb}/stream/`) && b.duplicates === 0)).toBe(true);
    expect(stream.state).toBe('closed');
    expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 300, acked: 300, pending: 0, inFlight: 0, redelivered: 0 });
    expect(await streamsOf(server, ispb)).toEqual(['closed']);
  }, 60_000);

  it('return() mid-drain acknowledges the last batch the consumer got and closes the stream', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 50);
    const got: ChallengeMessage[] = [];
    for await (const batch of openStream({ baseUrl: server.url, ispb, face: 'challenge', multipart: true })) {
      got.push(...batch.messages);
      if (got.length >= 20) break;
    }
    expect(got).toHaveLength(20);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 20, pending: 30, inFlight: 0 });
    expect(await streamsOf(server, ispb)).toEqual(['closed']);
  });

  it('close({ acknowledge: false }) sends the last batch back to pending at once', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 50);
    const stream = openStream({ baseUrl: server.url, ispb, face: 'challenge', multipart: true });
    await stream.next();
    await stream.next();
    expect(await stream.close({ acknowledge: false })).toBe('closed');
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 10, pending: 40, inFlight: 0 });
    expect(await streamsOf(server, ispb)).toEqual(['closed']);
  });

  it('aborting the signal during a long poll ends the loop and closes the stream, acknowledging what was handed out', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 15);
    const controller = new AbortController();
    const got: ChallengeMessage[] = [];
    let empty = 0;
    for await (const batch of openStream({ baseUrl: server.url, ispb, face: 'challenge', multipart: true, signal: controller.signal })) {
      got.push(...batch.messages);
      // After the first 204 the next request waits in a long poll: abort in the middle of it.
      if (batch.status === 204 && ++empty === 1) setTimeout(() => controller.abort(), 100);
      expect(empty).toBeLessThan(2);
    }
    expectEachOnce(got, 15, ispb);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 15, inFlight: 0 });
    expect(await streamsOf(server, ispb)).toEqual(['closed']);
  });

  it('aborting the signal while a batch is processed acknowledges that batch and hands out no other', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 30);
    const controller = new AbortController();
    const batches: Batch<ChallengeMessage>[] = [];
    for await (const batch of openStream({ baseUrl: server.url, ispb, face: 'challenge', multipart: true, signal: controller.signal })) {
      batches.push(batch);
      controller.abort();
    }
    expect(batches).toHaveLength(1);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 10, pending: 20, inFlight: 0 });
    expect(await streamsOf(server, ispb)).toEqual(['closed']);
  });

  it('rejects an ISPB its face does not allow, before any request', () => {
    expect(() => openStream({ baseUrl: server.url, ispb: '1234567A', face: 'challenge' })).toThrow(/exactly 8 digits/);
    expect(() => openStream({ baseUrl: 'ftp://x', ispb: '12345678', face: 'challenge' })).toThrow(/http/);
  });
});

describe('challenge face at the collector limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '400', MAX_COLLECTORS_PER_ISPB: '1', STREAM_IDLE_TIMEOUT_S: '2' });
  });
  afterAll(() => server.stop());

  it('waits out a 429 (Retry-After) and starts once the slot frees', async () => {
    const ispb = randomIspb();
    // Hold the only slot with a stream of our own (started while the ISPB is empty: it holds no message).
    const held = await fetch(`${server.url}/api/pix/${ispb}/stream/start`);
    expect(held.status).toBe(204);
    await seedMessages(server.db, ispb, 30);
    const events: StreamEvent[] = [];
    const stream = openStream({
      baseUrl: server.url, ispb, face: 'challenge', multipart: true,
      onEvent: (event) => {
        events.push(event);
        // Let the slot go once refused: the library still waits the Retry-After it was given.
        if (event.type === 'refused') void fetch(server.url + held.headers.get('pull-next')!, { method: 'DELETE' });
      },
    });
    const startedAt = Date.now();
    expectEachOnce(await drain(stream), 30, ispb);
    const refused = events.filter((e) => e.type === 'refused');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]).toMatchObject({ attempt: 1, reason: expect.stringMatching(/^429/) });
    expect(refused[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(refused[0]!.delayMs);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 30, inFlight: 0, pending: 0 });
  });
});

describe('challenge face through a proxy that loses a response', () => {
  let server: TestServer;
  let proxy: http.Server;
  let proxyUrl: string;
  const seen: string[] = [];
  let dropAt = -1; // index in `seen` of the pull-next GET whose response is dropped
  let gzipped = 0;

  beforeAll(async () => {
    server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '400' });
    // Forwards to the API; gzips bodies when asked (the API itself does not in this branch); drops one response whole.
    proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const index = seen.length - 1;
      const upstream = http.request(server.url + req.url, { method: req.method, headers: { ...req.headers, 'accept-encoding': 'identity' } }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (chunk: Buffer) => chunks.push(chunk));
        up.on('end', () => {
          if (index === dropAt) return void req.socket.destroy(); // the server answered; the collector never hears it
          const headers = { ...up.headers };
          let body = Buffer.concat(chunks);
          if (body.length > 0 && /gzip/.test(String(req.headers['accept-encoding']))) {
            body = zlib.gzipSync(body);
            headers['content-encoding'] = 'gzip';
            headers['content-length'] = String(body.length);
            gzipped += 1;
          }
          res.writeHead(up.statusCode!, headers).end(body);
        });
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await server.stop();
  });

  it('replays the same URI after the lost response: nothing lost, nothing doubled', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 100);
    dropAt = 3; // start, pull, pull, then this pull's answer is lost
    const events: StreamEvent[] = [];
    const stream = openStream({ baseUrl: proxyUrl, ispb, face: 'challenge', multipart: true, backoff: { initialMs: 50 }, onEvent: (e) => events.push(e) });

    expectEachOnce(await drain(stream), 100, ispb);
    expect(seen[dropAt]).toMatch(/^GET \/api\/pix\/\d{8}\/stream\/[0-9a-f-]{36}$/);
    expect(seen[dropAt + 1]).toBe(seen[dropAt]); // the same URI again
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    expect(gzipped).toBeGreaterThan(0); // and the client read them
    expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 100, acked: 100, pending: 0, inFlight: 0, redelivered: 0 });
    expect(await streamsOf(server, ispb)).toEqual(['closed']);
  });
});
