/**
 * The ICOM face, route by route and status by status, as a bank's ICOM client
 * sees it (test/support/icom-client.ts knows nothing of pix-stream): XML and
 * multipart/mixed answers with PI-Pull-Next and PI-ResourceId, gzip, and
 * problem+xml for every error, parsed by an XML parser we did not write.
 */
import { XMLValidator } from 'fast-xml-parser';
import { icomRequest as rawIcomRequest, type IcomReply } from '../support/icom-client';
import { checkAgainstDocument } from '../support/openapi';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { thirdPartyXml } from '../support/pacs008-third-party';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_COLLECTORS_PER_ISPB: '2' });
});
afterAll(() => server.stop());

/** Every answer the test sees must also be one the OpenAPI document describes. */
async function icomRequest(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<IcomReply> {
  const reply = await rawIcomRequest(baseUrl, path, headers, method);
  const seen = Object.fromEntries(['pi-pull-next', 'pi-resourceid', 'retry-after', 'allow'].map((name) => [name, reply.headers.get(name)]));
  expect(checkAgainstDocument({ method, path, status: reply.status, contentType: reply.contentType, headers: seen, body: reply.text })).toEqual([]);
  return reply;
}

const PULL_NEXT = /^\/api\/v1\/out\/[0-9A-Z]{8}\/stream\/[0-9a-f-]{36}$/;
const RESOURCE_ID = /^[A-Za-z0-9+/]{32}$/;

/** A problem+xml body, parsed: RFC 7807's XML form. */
function problemOf(reply: { contentType: string | null; text: string }, status: number) {
  expect(reply.contentType).toMatch(/^application\/problem\+xml/);
  expect(XMLValidator.validate(reply.text)).toBe(true);
  const problem = thirdPartyXml.parse(reply.text).problem;
  expect(problem['@_xmlns']).toBe('urn:ietf:rfc:7807');
  expect(problem).toMatchObject({ status: String(status), title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
  return problem;
}

const start = (ispb: string) => `/api/v1/out/${ispb}/stream/start`;

describe('GET /api/v1/out/{ispb}/stream/start and its PI-Pull-Next', () => {
  it('answers one message as application/xml with PI-ResourceId when Accept is absent, application/xml or */*', async () => {
    for (const accept of [undefined, 'application/xml', '*/*']) {
      const ispb = randomIspb();
      await seedMessages(server.db, ispb, 2);
      const reply = await icomRequest(server.url, start(ispb), accept ? { accept } : {});
      expect(reply.status).toBe(200);
      expect(reply.contentType).toBe('application/xml; charset=utf-8');
      expect(reply.headers.get('pi-resourceid')).toMatch(RESOURCE_ID);
      expect(reply.pullNext).toMatch(PULL_NEXT);
      expect(reply.pullNext).toContain(`/api/v1/out/${ispb}/stream/`);
      expect(reply.messages).toHaveLength(1);
      expect(XMLValidator.validate(reply.messages[0].xml)).toBe(true);
      const closed = await icomRequest(server.url, reply.pullNext!, {}, 'DELETE');
      expect(closed.status).toBe(200);
    }
  });

  it('answers up to 10 messages as multipart/mixed, each part with Content-Type and PI-ResourceId; then 204 with PI-Pull-Next', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 13);
    const first = await icomRequest(server.url, start(ispb), { accept: 'multipart/mixed' });
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^multipart\/mixed; boundary=/);
    expect(first.messages).toHaveLength(10);
    for (const part of first.messages) {
      expect(part.contentType).toBe('application/xml; charset=utf-8');
      expect(part.resourceId).toMatch(RESOURCE_ID);
      expect(thirdPartyXml.parse(part.xml).Envelope.AppHdr.To.FIId.FinInstnId.Othr.Id).toBe(ispb);
    }
    const second = await icomRequest(server.url, first.pullNext!, { accept: 'multipart/mixed' });
    expect(second.messages).toHaveLength(3);
    const empty = await icomRequest(server.url, second.pullNext!, { accept: 'multipart/mixed' });
    expect(empty.status).toBe(204);
    expect(empty.pullNext).toMatch(PULL_NEXT);
    expect(empty.text).toBe('');
    expect(new Set([...first.messages, ...second.messages].map((m) => m.resourceId)).size).toBe(13);
    expect((await icomRequest(server.url, empty.pullNext!, {}, 'DELETE')).status).toBe(200);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 13, pending: 0, inFlight: 0 });
  });

  it('gzips answers above the threshold when Accept-Encoding names gzip, and leaves 204s plain', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 10);
    const reply = await icomRequest(server.url, start(ispb), { accept: 'multipart/mixed', 'accept-encoding': 'gzip' });
    expect(reply.contentEncoding).toBe('gzip');
    expect(reply.headers.get('vary')).toMatch(/Accept-Encoding/);
    expect(reply.messages).toHaveLength(10);
    const empty = await icomRequest(server.url, reply.pullNext!, { accept: 'multipart/mixed', 'accept-encoding': 'gzip' });
    expect(empty.status).toBe(204);
    expect(empty.contentEncoding).toBeNull();
    await icomRequest(server.url, empty.pullNext!, {}, 'DELETE');
  });

  it('repeating a PI-Pull-Next replays the same batch with the same PI-ResourceIds; once acknowledged, 410', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 4);
    const first = await icomRequest(server.url, start(ispb), { accept: 'multipart/mixed' });
    const next = await icomRequest(server.url, first.pullNext!, { accept: 'multipart/mixed' });
    expect(next.status).toBe(204);
    const replay = await icomRequest(server.url, first.pullNext!, { accept: 'multipart/mixed' });
    expect(replay.status).toBe(204);
    expect(replay.pullNext).toBe(next.pullNext);
    // Start's own answer is acknowledged by following its PI-Pull-Next: asking start's batch again is impossible, so
    // check a batch replay on a URI whose answer carried messages.
    await seedMessages(server.db, ispb, 3);
    const batch = await icomRequest(server.url, next.pullNext!, { accept: 'multipart/mixed' });
    expect(batch.messages).toHaveLength(3);
    const again = await icomRequest(server.url, next.pullNext!, { accept: 'application/xml' });
    expect(again.messages.map((m) => [m.resourceId, m.xml])).toEqual(batch.messages.map((m) => [m.resourceId, m.xml]));
    expect(again.pullNext).toBe(batch.pullNext);
    await icomRequest(server.url, batch.pullNext!, {}); // acknowledges the 3
    const gone = await icomRequest(server.url, next.pullNext!, {});
    expect(gone.status).toBe(410);
    problemOf(gone, 410);
  });
});

describe('errors are problem+xml', () => {
  it('406 for an Accept the face cannot answer, and nothing is opened', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 1);
    const reply = await icomRequest(server.url, start(ispb), { accept: 'application/json' });
    expect(reply.status).toBe(406);
    problemOf(reply, 406);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 1 });
    const { rows } = await server.db.query('SELECT count(*)::int AS n FROM streams WHERE ispb = $1', [ispb]);
    expect(rows[0].n).toBe(0);
  });

  it('400 for a malformed ISPB or iteration id, 404 for an unknown iteration or path', async () => {
    problemOf(await icomRequest(server.url, '/api/v1/out/abc/stream/start'), 400);
    problemOf(await icomRequest(server.url, '/api/v1/out/12345678/stream/not-a-uuid'), 400);
    problemOf(await icomRequest(server.url, '/api/v1/out/12345678/stream/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'), 404);
    problemOf(await icomRequest(server.url, '/api/v1/out/12345678/stream/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', {}, 'DELETE'), 404);
    problemOf(await rawIcomRequest(server.url, '/api/v1/out/12345678/nothing'), 404); // no such path: nothing to check in the document
    problemOf(await icomRequest(server.url, '/api/v1/out/12345678/stream/START'), 404);
  });

  it('accepts alphanumeric ISPBs ([0-9A-Z]{8}): an empty stream answers 204', async () => {
    const ispb = `Z${randomIspb().slice(1)}`;
    const reply = await icomRequest(server.url, start(ispb));
    expect(reply.status).toBe(204);
    expect((await icomRequest(server.url, reply.pullNext!, {}, 'DELETE')).status).toBe(200);
  });

  it('410 on a closed stream, for GET and DELETE', async () => {
    const ispb = randomIspb();
    const reply = await icomRequest(server.url, start(ispb));
    expect((await icomRequest(server.url, reply.pullNext!, {}, 'DELETE')).status).toBe(200);
    problemOf(await icomRequest(server.url, reply.pullNext!, {}, 'DELETE'), 410);
    problemOf(await icomRequest(server.url, reply.pullNext!), 410);
  });

  it('429 with Retry-After beyond the collector limit', async () => {
    const ispb = randomIspb();
    const open = [await icomRequest(server.url, start(ispb)), await icomRequest(server.url, start(ispb))];
    const refused = await icomRequest(server.url, start(ispb));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    problemOf(refused, 429);
    for (const reply of open) await icomRequest(server.url, reply.pullNext!, {}, 'DELETE');
  });

  it('405 with Allow for a wrong method, and HEAD takes nothing', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 1);
    const put = await icomRequest(server.url, start(ispb), {}, 'PUT');
    problemOf(put, 405);
    expect(put.headers.get('allow')).toBe('GET, OPTIONS');
    const head = await fetch(server.url + start(ispb), { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ pending: 1 });
  });

  it('a stream opened on one face cannot be followed on the other (404)', async () => {
    const ispb = randomIspb();
    const icom = await icomRequest(server.url, start(ispb));
    const iterationId = icom.pullNext!.split('/').pop();
    const challenge = await fetch(`${server.url}/api/pix/${ispb}/stream/${iterationId}`);
    expect(challenge.status).toBe(404);
    const challengeStart = await fetch(`${server.url}/api/pix/${ispb}/stream/start`);
    const challengeNext = challengeStart.headers.get('pull-next')!.split('/').pop();
    problemOf(await icomRequest(server.url, `/api/v1/out/${ispb}/stream/${challengeNext}`), 404);
    await icomRequest(server.url, icom.pullNext!, {}, 'DELETE');
    await fetch(`${server.url}/api/pix/${ispb}/stream/${challengeNext}`, { method: 'DELETE' });
  });
});
