/**
 * Mutual TLS end to end, with certificates made by the openssl CLI
 * (support/pki.ts) and a real API process started with TLS_CERT, TLS_KEY and
 * TLS_CLIENT_CA: the handshake refuses clients without a certificate of that
 * CA; on the ICOM face a certificate operates only the participant its
 * subject CN names (403 problem+xml otherwise, nothing written); the
 * challenge face and the operations routes need the handshake only. The
 * edge's answers, its connection cap and the shutdown drain work over TLS.
 */
import { XMLValidator } from 'fast-xml-parser';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { checkAgainstDocument } from '../support/openapi';
import { thirdPartyXml } from '../support/pacs008-third-party';
import { LocalCa, pkiDir, type Issued } from '../support/pki';
import { startTestServer, type TestServer } from '../support/server';

const MAX_CONNECTIONS = 4;
const LONG_POLL_MS = 3000;

const pki = pkiDir();
let ca: LocalCa;
let participantA: Issued;
let participantB: Issued;
let participantD: Issued;
let monitoring: Issued;
let foreign: Issued;
const [A, B, D] = distinctIspbs(3);

function distinctIspbs(count: number): string[] {
  const ispbs = new Set<string>();
  while (ispbs.size < count) ispbs.add(randomIspb());
  return [...ispbs];
}

let server: TestServer;
let stopped = false;
beforeAll(async () => {
  ca = LocalCa.create(pki.dir, 'participants-ca');
  const serverCert = ca.issueServer('server');
  participantA = ca.issueClient('participant-a', A);
  participantB = ca.issueClient('participant-b', B);
  participantD = ca.issueClient('participant-d', D); // the shutdown test's alone
  monitoring = ca.issueClient('monitoring', 'prometheus');
  // Names participant A, but is signed by a CA the server does not trust.
  foreign = LocalCa.create(pki.dir, 'foreign-ca').issueClient('foreign', A);
  server = await startTestServer({
    TLS_CERT: serverCert.certPath,
    TLS_KEY: serverCert.keyPath,
    TLS_CLIENT_CA: ca.certPath,
    HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    LONG_POLL_TIMEOUT_MS: String(LONG_POLL_MS),
  });
});
afterAll(async () => {
  if (!stopped) await server?.stop();
  pki.remove();
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a connection of its own (agent: false), presenting `client`'s certificate if given; trusts only the test CA. */
function request(path: string, client?: Issued, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, server.url),
      { method, headers, agent: false, ca: ca.cert, ...(client && { cert: client.cert, key: client.key }) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const start = (ispb: string) => `/api/v1/out/${ispb}/stream/start`;

async function streamRows(ispb: string): Promise<number> {
  const { rows } = await server.db.query('SELECT count(*)::int AS n FROM streams WHERE ispb = $1', [ispb]);
  return rows[0].n;
}

/** A 403 problem+xml, parsed by an XML parser we did not write, and as the OpenAPI document describes it. */
function expectForbidden(reply: Reply, method: string, path: string): string {
  expect(reply.status).toBe(403);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+xml/);
  expect(XMLValidator.validate(reply.body)).toBe(true);
  const problem = thirdPartyXml.parse(reply.body).problem;
  expect(problem).toMatchObject({ status: '403', title: 'Forbidden', type: '/problems/forbidden' });
  if (/^\/api\/v1\/out\//.test(path)) {
    expect(checkAgainstDocument({ method, path, status: 403, contentType: reply.headers['content-type']!, headers: {}, body: reply.body })).toEqual([]);
  }
  return String(problem.detail);
}

describe('the handshake', () => {
  it('serves https:// with the configured server certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const reply = await request('/health', participantA);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok' });
  });

  it('refuses a client without a certificate: no HTTP answer at all, nothing written', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 1);
    const refused = request(start(ispb));
    await expect(refused).rejects.toThrow();
    await expect(refused).rejects.toMatchObject({ code: expect.stringMatching(/^(ERR_SSL_|ECONNRESET$|EPIPE$)/) });
    expect(await streamRows(ispb)).toBe(0);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 1 });
  });

  it('refuses a certificate of another CA even when its CN is the right participant', async () => {
    const before = await streamRows(A);
    await expect(request(start(A), foreign)).rejects.toMatchObject({ code: expect.stringMatching(/^(ERR_SSL_|ECONNRESET$|EPIPE$)/) });
    expect(await streamRows(A)).toBe(before);
  });

  it('closes a plain HTTP connection to the TLS port without an answer, and keeps serving', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      let received = '';
      socket.on('data', (data) => (received += data.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });
    expect(answer).not.toMatch(/^HTTP\//);
    expect((await request('/health', participantA)).status).toBe(200);
  });
});

describe('a certificate operates the participant its CN names', () => {
  it("participant A's certificate opens, follows and closes A's ICOM stream", async () => {
    await seedMessages(server.db, A, 1);
    const first = await request(start(A), participantA, 'GET', { accept: 'application/xml' });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(thirdPartyXml.parse(first.body).Envelope.AppHdr.To.FIId.FinInstnId.Othr.Id).toBe(A);
    const pullNext = String(first.headers['pi-pull-next']);
    expect(pullNext).toMatch(new RegExp(`^/api/v1/out/${A}/stream/[0-9a-f-]{36}$`));
    expect((await request(pullNext, participantA, 'DELETE')).status).toBe(200);
    expect(await messageCounts(server.db, A)).toMatchObject({ acked: 1, pending: 0, inFlight: 0 });
  });

  it("A's certificate on B's stream start is 403 problem+xml, and no stream is opened for B", async () => {
    await seedMessages(server.db, B, 1);
    const detail = expectForbidden(await request(start(B), participantA), 'GET', start(B));
    expect(detail).toContain(A);
    expect(detail).toContain(B);
    expect(await streamRows(B)).toBe(0);
    expect(await messageCounts(server.db, B)).toMatchObject({ pending: 1, inFlight: 0 });
  });

  it("A's certificate can neither follow nor close B's stream: B's batch stays unacknowledged and B goes on", async () => {
    const opened = await request(start(B), participantB);
    expect(opened.status).toBe(200);
    const pullNext = String(opened.headers['pi-pull-next']);
    expectForbidden(await request(pullNext, participantA), 'GET', pullNext);
    expectForbidden(await request(pullNext, participantA, 'DELETE'), 'DELETE', pullNext);
    const { rows } = await server.db.query(`SELECT count(*)::int AS n FROM streams WHERE ispb = $1 AND status = 'open'`, [B]);
    expect(rows[0].n).toBe(1);
    expect(await messageCounts(server.db, B)).toMatchObject({ inFlight: 1, acked: 0 });
    expect((await request(pullNext, participantB, 'DELETE')).status).toBe(200);
    expect(await messageCounts(server.db, B)).toMatchObject({ acked: 1, inFlight: 0 });
  });

  it("the path's shape is what is checked: /api/v1/in/{B}/... is refused to A before any route, as are encoded or malformed ISPBs", async () => {
    expectForbidden(await request(`/api/v1/in/${B}/msgs`, participantA, 'POST', { 'content-type': 'application/xml' }, '<Envelope/>'), 'POST', `/api/v1/in/${B}/msgs`);
    const encoded = `/api/v1/out/%${A.charCodeAt(0).toString(16)}${A.slice(1)}/stream/start`; // A, its first digit percent-encoded
    expectForbidden(await request(encoded, participantA), 'GET', encoded);
    expectForbidden(await request('/api/v1/out/abc/stream/start', participantA), 'GET', '/api/v1/out/abc/stream/start');
  });

  it('a certificate whose CN is no ISPB operates no participant, but reaches the operations routes', async () => {
    await seedMessages(server.db, A, 1);
    expect(expectForbidden(await request(start(A), monitoring), 'GET', start(A))).toMatch(/names no participant/);
    expect(await messageCounts(server.db, A)).toMatchObject({ pending: 1 });
    expect((await request('/metrics', monitoring)).status).toBe(200);
    expect((await request('/ready', monitoring)).status).toBe(200);
  });

  it('ICOM’s catalogue names no participant: a participant’s certificate and one naming none both read it', async () => {
    for (const client of [participantA, monitoring]) {
      for (const direction of ['in', 'out']) {
        const reply = await request(`/api/v1/${direction}/catalog`, client);
        expect(reply.status).toBe(200);
        expect(reply.body).toContain('<Message>pacs.008.spi.1.16</Message>');
      }
    }
    // A lookalike path still names a participant, and is still refused.
    expectForbidden(await request('/api/v1/in/catalogs/msgs', participantA, 'POST', { 'content-type': 'application/xml' }, '<Envelope/>'), 'POST', '/api/v1/in/catalogs/msgs');
  });

  it('the challenge face is not bound to a participant: any certificate of the CA may use it', async () => {
    const ispb = randomIspb();
    const generated = await request(`/api/util/msgs/${ispb}/2`, participantA, 'POST');
    expect(generated.status).toBe(201);
    const opened = await request(`/api/pix/${ispb}/stream/start`, participantA, 'GET', { accept: 'multipart/json' });
    expect(opened.status).toBe(200);
    expect(JSON.parse(opened.body)).toHaveLength(2);
    expect((await request(String(opened.headers['pull-next']), participantA, 'DELETE')).status).toBe(200);
  });
});

describe('the edge over TLS', () => {
  /** A TLS connection with A's certificate; `send` is written once the handshake is done; resolves with all that came back until close. */
  function rawTls(send: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: ca.cert, cert: participantA.cert, key: participantA.key }, () => socket.write(send));
      let received = '';
      socket.on('data', (data) => (received += data.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
    });
  }

  it('answers what never reaches the routes in the face format: a malformed header is 400, CONNECT 405', async () => {
    const malformed = await rawTls('GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toMatch(/Content-Type: application\/problem\+json/);
    const connect = await rawTls(`CONNECT /api/v1/out/${A}/stream/start HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(connect).toMatch(/^HTTP\/1\.1 405 /);
    expect(connect).toMatch(/Content-Type: application\/problem\+xml/);
  });

  it(`answers the connection over HTTP_MAX_CONNECTIONS (${MAX_CONNECTIONS}) with 503 inside TLS, then serves again`, async () => {
    const held: tls.TLSSocket[] = [];
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++) {
        held.push(
          await new Promise<tls.TLSSocket>((resolve, reject) => {
            const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: ca.cert, cert: participantA.cert, key: participantA.key }, () => resolve(socket));
            socket.on('error', reject);
          }),
        );
      }
      const refused = await rawTls(''); // the answer comes without a request
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused).toMatch(/Retry-After: 1/);
      expect(refused).toMatch(/Content-Type: application\/problem\+json/);
    } finally {
      await Promise.all(held.map((socket) => new Promise((resolve) => socket.once('close', resolve).destroy())));
    }
    expect((await request('/health', participantA)).status).toBe(200);
  });

  it('stop() answers a waiting long poll over TLS with 204 and PI-Pull-Next, closes a stalled handshake, and finishes well within the long poll', async () => {
    const ispb = D;
    // A TCP connection that never starts its handshake: without the drain it would hold stop() for the handshake timeout (10 s).
    const stalled = await new Promise<net.Socket>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
    });
    const stalledClosed = new Promise((resolve) => stalled.on('error', () => undefined).once('close', resolve));
    const waiting = request(start(ispb), participantD);
    // The poll is waiting once its stream row exists.
    for (let tries = 0; (await server.db.query(`SELECT 1 FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb])).rowCount === 0; tries++) {
      if (tries > 100) throw new Error('the long poll never opened its stream');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const began = Date.now();
    stopped = true;
    await server.stop();
    expect(Date.now() - began).toBeLessThan(LONG_POLL_MS / 2);
    await stalledClosed;
    const answer = await waiting;
    expect(answer.status).toBe(204);
    expect(answer.headers['pi-pull-next']).toMatch(new RegExp(`^/api/v1/out/${ispb}/stream/`));
  });
});
