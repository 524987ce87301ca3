/**
 * The HTTP edge as hostile clients and careless proxies meet it: HEAD and
 * OPTIONS never take messages, paths match exactly, and everything Node's
 * parser rejects, times out or refuses is still answered in problem+json.
 */
import net from 'node:net';
import { get } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

const LIMITS = { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '800', HTTP_MAX_CONNECTIONS: '200' };
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(LIMITS);
});
afterAll(() => server.stop());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting until the server closed the socket. */
  closedAfterMs: number;
}

/** Sends raw bytes (optionally more later) and reads whatever comes back until the server closes. */
function raw(port: number, chunks: string[], gapMs = 0): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timers: NodeJS.Timeout[] = [];
    socket.on('connect', () => chunks.forEach((chunk, index) => timers.push(setTimeout(() => socket.writable && socket.write(chunk), index * gapMs))));
    socket.on('data', (data) => (received += data.toString('utf8')));
    socket.on('error', () => undefined); // a reset after the answer still counts as closed
    socket.on('close', () => {
      timers.forEach(clearTimeout);
      const [head, ...rest] = received.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n'), closedAfterMs: Date.now() - started });
    });
    setTimeout(() => reject(new Error(`no close within 10 s; got: ${received}`)), 10_000).unref();
  });
}

function expectProblem(answer: { headers: Record<string, string>; body: string }, status: number): void {
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body);
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

async function openStreams(ispb: string): Promise<number> {
  const { rows } = await server.db.query(`SELECT count(*)::int AS n FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb]);
  return rows[0].n;
}

describe('HEAD and OPTIONS take nothing', () => {
  it('HEAD on start, on a Pull-Next and on stop is 405 with Allow; a later GET acknowledges only what it was sent', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 25);
    const head = await fetch(`${server.url}/api/pix/${ispb}/stream/start`, { method: 'HEAD', headers: { accept: 'multipart/json' } });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET, OPTIONS');
    expect(head.headers.get('pull-next')).toBeNull();
    expect(await openStreams(ispb)).toBe(0);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 25, inFlight: 0, acked: 0 });

    const first = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
    expect(first.messages).toHaveLength(10);
    const headNext = await fetch(server.url + first.pullNext!, { method: 'HEAD', headers: { accept: 'multipart/json' } });
    expect(headNext.status).toBe(405);
    expect(headNext.headers.get('allow')).toBe('GET, DELETE, OPTIONS');
    const headStop = await fetch(`${server.url}/api/pix/${ispb}/stream/stop`, { method: 'HEAD' });
    expect(headStop.status).toBe(405);
    expect(await openStreams(ispb)).toBe(1);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 15, inFlight: 10, acked: 0 });

    // The database audit: the acknowledged messages are exactly the ten the GET delivered.
    const second = await get(server.url, first.pullNext!, 'multipart/json');
    expect(second.messages).toHaveLength(10);
    const { rows } = await server.db.query<{ end_to_end_id: string }>(
      `SELECT end_to_end_id FROM message_delivery WHERE receiver_ispb = $1 AND state = 'acknowledged'`,
      [ispb],
    );
    expect(rows.map((row) => row.end_to_end_id).sort()).toEqual(first.messages.map((message) => message.endToEndId).sort());
  });

  it('OPTIONS answers 204 with Allow and opens nothing; TRACE is 405', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 3);
    const options = await fetch(`${server.url}/api/pix/${ispb}/stream/start`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, OPTIONS');
    const trace = await raw(server.port, [`TRACE /api/pix/${ispb}/stream/start HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    expect(trace.status).toBe(405);
    expectProblem(trace, 405);
    expect(await openStreams(ispb)).toBe(0);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 3 });
  });

  it('HEAD on read-only routes answers like GET without a body', async () => {
    const health = await fetch(`${server.url}/health`, { method: 'HEAD' });
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
  });

  it('HEAD on the SPI, virtual, fault and rehearsal routes writes nothing: 405 where only a write is served, GET’s status otherwise', async () => {
    const ispb = randomIspb();
    const writeOnly = [`/api/util/rehearsals`, `/api/util/virtual/${ispb}/payments`];
    for (const path of writeOnly) {
      const head = await fetch(server.url + path, { method: 'HEAD' });
      expect([path, head.status, head.headers.get('allow')]).toEqual([path, 405, 'POST, OPTIONS']);
    }
    const readable = [`/api/util/accounts/${ispb}`, `/api/util/accounts/${ispb}/entries`, `/api/util/faults/${ispb}`, `/api/util/virtual/${ispb}`];
    for (const path of readable) {
      const [head, got] = [await fetch(server.url + path, { method: 'HEAD' }), await fetch(server.url + path)];
      expect([path, head.status, await head.text()]).toEqual([path, got.status, '']);
    }
    const { rows } = await server.db.query(
      `SELECT (SELECT count(*) FROM rehearsals WHERE ispb = $1)::int AS rehearsals, (SELECT count(*) FROM virtual_payment_runs WHERE ispb = $1)::int AS runs,
              (SELECT count(*) FROM accounts WHERE ispb = $1)::int AS accounts, (SELECT count(*) FROM participant_faults WHERE ispb = $1)::int AS faults,
              (SELECT count(*) FROM virtual_participants WHERE ispb = $1)::int AS virtual`,
      [ispb],
    );
    expect(rows[0]).toEqual({ rehearsals: 0, runs: 0, accounts: 0, faults: 0, virtual: 0 });
  });
});

describe('routing is case-sensitive and strict', () => {
  it('answers 404 to case variants and trailing slashes, and closes or opens nothing', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 2);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`);
    expect(first.status).toBe(200);
    for (const [method, path] of [
      ['GET', `/api/pix/${ispb}/stream/STOP`],
      ['DELETE', `/api/pix/${ispb}/stream/Stop`],
      ['GET', `/api/pix/${ispb}/stream/Start`],
      ['GET', `/api/pix/${ispb}/STREAM/start`],
      ['GET', `/API/pix/${ispb}/stream/start`],
      ['GET', `/api/pix/${ispb}/stream/start/`],
      ['POST', `/api/util/MSGS/${ispb}/1`],
      ['GET', '/Health'],
      ['GET', '/health/'],
    ]) {
      const res = await fetch(server.url + path, { method });
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    }
    expect(await openStreams(ispb)).toBe(1);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 2, inFlight: 1, pending: 1 });
  });
});

describe('answers that never reach the routes', () => {
  it('a request without Host gets 400 problem+json', async () => {
    const answer = await raw(server.port, ['GET /health HTTP/1.1\r\nConnection: close\r\n\r\n']);
    expect(answer.status).toBe(400);
    expectProblem(answer, 400);
    expect(JSON.parse(answer.body).detail).toMatch(/Host/);
  });

  it('CONNECT gets 405 problem+json instead of a dropped connection', async () => {
    const answer = await raw(server.port, ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n']);
    expect(answer.status).toBe(405);
    expectProblem(answer, 405);
  });

  it('a slowloris socket is answered 408 and closed within the header timeout', async () => {
    const trickle = ['GET /health HTTP/1.1\r\n', ...Array.from({ length: 30 }, (_, i) => `X-Slow-${i}: 1\r\n`)];
    const answer = await raw(server.port, trickle, 100);
    expect(answer.status).toBe(408);
    expectProblem(answer, 408);
    // 500 ms header timeout, checked every 250 ms.
    expect(answer.closedAfterMs).toBeLessThan(1500);
  });

  it('a body shorter than its Content-Length is answered 408 within the request timeout and writes nothing', async () => {
    const ispb = randomIspb();
    const answer = await raw(server.port, [
      `POST /api/util/msgs/${ispb}/5 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
    ]);
    expect(answer.status).toBe(408);
    expectProblem(answer, 408);
    expect(answer.closedAfterMs).toBeLessThan(2000);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 0 });
  });
});

describe('keep-alive', () => {
  it('an idle keep-alive connection outlives the header timeout: its next request is served', async () => {
    const request = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    const answer = await raw(server.port, [request, request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')], 1200);
    expect(answer.status).toBe(200);
    expect(answer.body.match(/"status":"ok"/g)).toHaveLength(2);
  });
});

describe('connection cap', () => {
  it('answers the connection over HTTP_MAX_CONNECTIONS with 503 problem+json and Retry-After', async () => {
    const capped = await startTestServer({ ...LIMITS, HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_MAX_CONNECTIONS: '5' });
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const socket = net.connect(capped.port, '127.0.0.1');
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        held.push(socket);
      }
      const answer = await raw(capped.port, ['GET /health HTTP/1.1\r\nHost: x\r\n\r\n']);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expectProblem(answer, 503);
      held.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await fetch(`${capped.url}/health`)).status).toBe(200);
    } finally {
      held.forEach((socket) => socket.destroy());
      await capped.stop();
    }
  });
});
