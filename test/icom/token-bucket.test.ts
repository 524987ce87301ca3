/**
 * The ICOM face's traffic limit: a token bucket per participant in
 * PostgreSQL. A burst beyond the capacity is refused with 429 problem+xml and
 * Retry-After while another participant goes on; two API processes on one
 * database share each bucket, so a sustained overload converges to the
 * refill rate, not twice it; HEAD, OPTIONS and malformed ISPBs cost nothing
 * and leave no key; with the limit off nothing is refused.
 */
import { randomUUID } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import { chargedParticipant } from '../../src/http/icom/traffic-limit';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { randomIspb } from '../support/factories';
import { checkAgainstDocument } from '../support/openapi';
import { thirdPartyXml } from '../support/pacs008-third-party';
import { startTestServer, type TestServer } from '../support/server';

interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
}

/** One request; every answer must be one the OpenAPI document describes. */
async function hit(baseUrl: string, path: string, method = 'GET'): Promise<Answer> {
  const res = await fetch(baseUrl + path, { method });
  const answer = { status: res.status, contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), text: await res.text() };
  const headers = { 'retry-after': answer.retryAfter, 'pi-pull-next': res.headers.get('pi-pull-next'), allow: res.headers.get('allow') };
  expect(checkAgainstDocument({ method, path, status: res.status, contentType: answer.contentType, headers, body: answer.text })).toEqual([]);
  return answer;
}

/** A refusal by the traffic limit (not the collector limit): 429, whole seconds in Retry-After, problem+xml. */
function expectTrafficRefusal(answer: Answer, ispb: string): void {
  expect(answer.status).toBe(429);
  expect(answer.retryAfter).toMatch(/^[1-9][0-9]*$/);
  expect(answer.contentType).toMatch(/^application\/problem\+xml/);
  expect(XMLValidator.validate(answer.text)).toBe(true);
  const problem = thirdPartyXml.parse(answer.text).problem;
  expect(problem).toMatchObject({ status: '429', title: 'Too Many Requests' });
  expect(problem.detail).toContain(`Participant ${ispb} is over its traffic limit`);
}

/** pix_stream_icom_requests_refused_total of the process at `baseUrl`. */
async function refusedMetric(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^pix_stream_icom_requests_refused_total (\d+)$/m.exec(text)![1]);
}

const start = (ispb: string) => `/api/v1/out/${ispb}/stream/start`;
/** The cheapest charged request: a well-formed Pull-Next nobody handed out, 404 after one read-only statement. */
const unknownPull = (ispb: string) => `/api/v1/out/${ispb}/stream/${randomUUID()}`;

describe('which requests are charged, and to whom (no database)', () => {
  it.each([
    ['GET', '/api/v1/out/12345678/stream/start', '12345678'],
    ['DELETE', '/api/v1/out/ABCD1234/stream/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', 'ABCD1234'],
    ['POST', '/api/v1/in/12345678/msgs', '12345678'],
    ['PUT', '/api/v1/out/12345678/stream/start', '12345678'], // 405 still counts: a request is a request
    ['GET', '/api/v1/out/%41BCD1234/stream/start', 'ABCD1234'], // decoded, as Express decodes the route's parameter
    ['GET', '/api/v1/out/12345678/anything/else', '12345678'],
  ])('%s %s is charged to %s', (method, path, ispb) => {
    expect(chargedParticipant(method, path)).toBe(ispb);
  });

  it.each([
    ['HEAD', '/api/v1/out/12345678/stream/start'], // refused 405 on every ICOM path: free
    ['OPTIONS', '/api/v1/out/12345678/stream/start'],
    ['GET', '/api/v1/out/abcd1234/stream/start'], // not the face's ISPB rule: the route answers 400
    ['GET', '/api/v1/out/1234567/stream/start'],
    ['GET', '/api/v1/out/123456789/stream/start'],
    ['GET', '/api/v1/out/%E0%A4%A/stream/start'], // malformed escape: 400 from the route
    ['GET', '/api/v1/out/12345678'], // no path below the participant: no route
    ['GET', '/api/v1/other/12345678/stream/start'],
    ['GET', '/api/pix/12345678/stream/start'], // the challenge face has no traffic limit
    ['GET', '/API/v1/out/12345678/stream/start'], // routes are case-sensitive: 404
  ])('%s %s is free', (method, path) => {
    expect(chargedParticipant(method, path)).toBeUndefined();
  });
});

describe('capacity 20, refill 1/s, one process', () => {
  const CAPACITY = 20;
  // 1/s rather than 10/s: a burst of 40 starts can take seconds on a busy 2-core machine, and each
  // refill interval it lasts lets one more through; at 1/s the burst test stays exact in practice.
  const REFILL = 1;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      ICOM_BUCKET_CAPACITY: String(CAPACITY),
      ICOM_BUCKET_REFILL_PER_S: String(REFILL),
      // Every accepted start opens a stream and answers 204 at once: no collector limit, no long poll in the way.
      MAX_COLLECTORS_PER_ISPB: '1000',
      LONG_POLL_TIMEOUT_MS: '0',
    });
  });
  afterAll(() => server.stop());

  it('a burst of 40 starts gets 20 through and 20 × 429 with Retry-After, opening nothing; another participant is unaffected', async () => {
    const ispb = randomIspb();
    const other = randomIspb();
    const refusedBefore = await refusedMetric(server.url);
    const began = performance.now();
    const answers = await Promise.all(Array.from({ length: 40 }, () => hit(server.url, start(ispb))));
    const elapsedS = (performance.now() - began) / 1000;
    const accepted = answers.filter((answer) => answer.status === 204);
    const refused = answers.filter((answer) => answer.status === 429);
    // Exactly the capacity, unless the burst outlasted a refill interval (1 s) on a busy machine.
    expect(accepted.length).toBeGreaterThanOrEqual(CAPACITY);
    expect(accepted.length).toBeLessThanOrEqual(CAPACITY + Math.floor(elapsedS * REFILL));
    expect(accepted.length + refused.length).toBe(40);
    for (const answer of refused) expectTrafficRefusal(answer, ispb);
    expect((await refusedMetric(server.url)) - refusedBefore).toBe(refused.length);
    // A refused start did none of the route's work: only the accepted ones opened a stream.
    const { rows } = await server.db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb]);
    expect(rows[0].open).toBe(accepted.length);

    const others = await Promise.all(Array.from({ length: 5 }, () => hit(server.url, start(other))));
    expect(others.map((answer) => answer.status)).toEqual([204, 204, 204, 204, 204]);
  });

  it('a token comes back after the refill interval', async () => {
    const ispb = randomIspb();
    const answers = await Promise.all(Array.from({ length: CAPACITY + 5 }, () => hit(server.url, unknownPull(ispb))));
    expect(answers.some((answer) => answer.status === 429)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100 / REFILL));
    expect((await hit(server.url, unknownPull(ispb))).status).toBe(404);
  });

  it('HEAD and OPTIONS cost nothing and store no bucket', async () => {
    const ispb = randomIspb();
    for (let i = 0; i < CAPACITY + 5; i += 1) {
      expect((await fetch(server.url + start(ispb), { method: 'HEAD' })).status).toBe(405);
      expect((await fetch(server.url + start(ispb), { method: 'OPTIONS' })).status).toBe(204);
    }
    expect(await server.models.ParticipantBucket.findByPk(ispb)).toBeNull();
    expect((await hit(server.url, unknownPull(ispb))).status).toBe(404);
  });

  it('a malformed ISPB is a 400 from the route and never a key; a percent-encoded one is charged as decoded', async () => {
    for (const bad of ['abcd1234', 'ABC', '%E0%A4%A', '12345678%20']) {
      const answer = await hit(server.url, `/api/v1/out/${bad}/stream/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`);
      expect(answer.status).toBe(400);
    }
    const { rows } = await server.db.query(`SELECT count(*)::int AS junk FROM participant_buckets WHERE ispb !~ '^[0-9A-Z]{8}$'`);
    expect(rows[0].junk).toBe(0);

    const ispb = `Q${randomIspb().slice(1)}`;
    const encoded = `%${ispb.charCodeAt(0).toString(16).toUpperCase()}${ispb.slice(1)}`;
    expect((await hit(server.url, unknownPull(encoded))).status).toBe(404);
    const bucket = await server.models.ParticipantBucket.findByPk(ispb);
    expect(bucket!.tokens).toBeGreaterThanOrEqual(CAPACITY - 1);
    expect(bucket!.tokens).toBeLessThan(CAPACITY);
  });
});

describe('the limit off', () => {
  it.each([
    [{ ICOM_BUCKET_CAPACITY: '0' }],
    [{ ICOM_BUCKET_REFILL_PER_S: '0' }],
  ])('%j: nothing is refused and no bucket is kept', async (env) => {
    const server = await startTestServer(env);
    try {
      const ispb = randomIspb();
      const answers = await Promise.all(Array.from({ length: 60 }, () => hit(server.url, unknownPull(ispb))));
      expect(answers.filter((answer) => answer.status !== 404)).toEqual([]);
      expect(await server.models.ParticipantBucket.findByPk(ispb)).toBeNull();
    } finally {
      await server.stop();
    }
  });
});

describe('two API processes on one database', () => {
  const CAPACITY = 20;
  const REFILL = 10;
  let processes: ApiProcess[] = [];
  afterAll(() => Promise.all(processes.map((api) => api.stop())));

  it('share each bucket: 3× the refill rate for 4 s converges to the refill rate', async () => {
    const env = { ICOM_BUCKET_CAPACITY: String(CAPACITY), ICOM_BUCKET_REFILL_PER_S: String(REFILL) };
    processes = await Promise.all([startApiProcess(env), startApiProcess(env)]);
    const ispb = randomIspb();
    const RATE = 3 * REFILL;
    const SECONDS = 4;
    const sent: { atS: number; process: number; status: number }[] = [];
    const began = performance.now();
    const inFlight: Promise<void>[] = [];
    // Requests at fixed times (not one after another), alternating between the two processes.
    for (let i = 0; i < RATE * SECONDS; i += 1) {
      const due = began + (i * 1000) / RATE;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const atS = (performance.now() - began) / 1000;
      const api = i % 2;
      inFlight.push(hit(processes[api].url, unknownPull(ispb)).then((answer) => void sent.push({ atS, process: api, status: answer.status })));
    }
    await Promise.all(inFlight);
    const spanS = Math.max(...sent.map((request) => request.atS));

    expect(sent.filter((request) => request.status !== 404 && request.status !== 429)).toEqual([]);
    const accepted = sent.filter((request) => request.status === 404);
    const perSecond = Array.from({ length: SECONDS }, (_, s) => accepted.filter((request) => Math.floor(request.atS) === s).length);
    // One bucket for both processes: a full bucket, then the refill. Two buckets would let through about twice as many.
    const expected = CAPACITY + REFILL * spanS;
    // Once the burst is spent (after 1 s at 30/s), what gets through is the refill rate.
    const steady = accepted.filter((request) => request.atS >= 2).length;
    const steadyExpected = REFILL * (spanS - 2);
    const within = (measured: number, target: number) => Math.abs(measured - target) <= 0.25 * target;
    // The figures themselves are in the object, so a failure shows them.
    expect({ accepted: accepted.length, expected, perSecond, steady, steadyExpected, total: within(accepted.length, expected), refill: within(steady, steadyExpected) })
      .toMatchObject({ total: true, refill: true });
    for (const api of [0, 1]) {
      expect(accepted.some((request) => request.process === api)).toBe(true);
      expect(sent.some((request) => request.process === api && request.status === 429)).toBe(true);
    }
  }, 60_000);
});
