/**
 * Bad input never reaches the database: every bad request gets a 4xx
 * application/problem+json (RFC 9457) that leaks no stack or SQL, and nothing
 * is written for the ISPBs involved.
 */
import { MAX_GENERATION } from '../../src/http/challenge/params';
import { randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const V4 = '3f1c7e4a-9a4b-4c1e-8f2a-2b7d5c0e9a11';
const UNKNOWN_V4 = 'd6a1f0de-2c3b-4e8e-9f6b-7a0c1e2d3f4a';
const BAD_ISPBS = ['abc', '123', '123456789', '1234567a'];
// Above GENERATE_SYNC_MAX (100,000) is a valid async request (202, SPEC section 3); only above the largest generation is it bad.
const BAD_NUMBERS = ['0', '-1', 'x', '1000000000', '1.5', '1e3', String(MAX_GENERATION + 1)];
const BAD_ITERATION_IDS = ['not-a-uuid', '123', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'];

/** A valid ISPB per run: bad numbers and bad iteration ids are sent under it; nothing may be written for it. */
const validIspb = randomIspb();

interface Case {
  method: string;
  path: string;
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const cases: [string, Case][] = [
  ...BAD_ISPBS.flatMap((ispb): [string, Case][] => [
    [`ISPB "${ispb}" on start`, { method: 'GET', path: `/api/pix/${ispb}/stream/start`, status: 400 }],
    [`ISPB "${ispb}" on continue`, { method: 'GET', path: `/api/pix/${ispb}/stream/${V4}`, status: 400 }],
    [`ISPB "${ispb}" on close`, { method: 'DELETE', path: `/api/pix/${ispb}/stream/${V4}`, status: 400 }],
    [`ISPB "${ispb}" on GET stop`, { method: 'GET', path: `/api/pix/${ispb}/stream/stop`, status: 400 }],
    [`ISPB "${ispb}" on DELETE stop`, { method: 'DELETE', path: `/api/pix/${ispb}/stream/stop`, status: 400 }],
    [`ISPB "${ispb}" on the generator`, { method: 'POST', path: `/api/util/msgs/${ispb}/5`, status: 400 }],
  ]),
  ...BAD_NUMBERS.map((number): [string, Case] => [
    `number "${number}" on the generator`,
    { method: 'POST', path: `/api/util/msgs/${validIspb}/${number}`, status: 400 },
  ]),
  ...BAD_ITERATION_IDS.flatMap((id): [string, Case][] => [
    [`iteration id "${id}" on continue`, { method: 'GET', path: `/api/pix/${validIspb}/stream/${id}`, status: 400 }],
    [`iteration id "${id}" on close`, { method: 'DELETE', path: `/api/pix/${validIspb}/stream/${id}`, status: 400 }],
  ]),
  ['unknown v4 iteration id on continue', { method: 'GET', path: `/api/pix/${validIspb}/stream/${UNKNOWN_V4}`, status: 404 }],
  ['unknown v4 iteration id on close', { method: 'DELETE', path: `/api/pix/${validIspb}/stream/${UNKNOWN_V4}`, status: 404 }],
  [
    'malformed JSON body on the generator',
    {
      method: 'POST',
      path: `/api/util/msgs/${validIspb}/5`,
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{bad json',
    },
  ],
  ['malformed job id', { method: 'GET', path: '/api/util/jobs/not-a-uuid', status: 400 }],
  ['unknown v4 job id', { method: 'GET', path: `/api/util/jobs/${UNKNOWN_V4}`, status: 404 }],
  ['DELETE on a job', { method: 'DELETE', path: `/api/util/jobs/${UNKNOWN_V4}`, status: 405 }],
  ['unknown route /api/nope', { method: 'GET', path: '/api/nope', status: 404 }],
  ['unknown route under an ISPB', { method: 'GET', path: `/api/pix/${validIspb}/nope`, status: 404 }],
  ['unknown route at the root', { method: 'POST', path: '/nope', status: 404 }],
  ['PUT on start', { method: 'PUT', path: `/api/pix/${validIspb}/stream/start`, status: 405 }],
  ['POST on stop', { method: 'POST', path: `/api/pix/${validIspb}/stream/stop`, status: 405 }],
  ['PATCH on continue', { method: 'PATCH', path: `/api/pix/${validIspb}/stream/${UNKNOWN_V4}`, status: 405 }],
  ['GET on the generator', { method: 'GET', path: `/api/util/msgs/${validIspb}/5`, status: 405 }],
  ['DELETE on /health', { method: 'DELETE', path: '/health', status: 405 }],
];

const ALLOW: Record<string, string[]> = {
  'PUT on start': ['GET', 'OPTIONS'],
  'POST on stop': ['GET', 'DELETE', 'OPTIONS'],
  'PATCH on continue': ['GET', 'DELETE', 'OPTIONS'],
  'GET on the generator': ['POST', 'OPTIONS'],
  'DELETE on /health': ['GET', 'HEAD', 'OPTIONS'],
  'DELETE on a job': ['GET', 'HEAD', 'OPTIONS'],
};

describe('bad requests', () => {
  it.each(cases)('%s answers a problem+json %#', async (label, { method, path, status, headers, body }) => {
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();

    expect({ label, status: res.status }).toEqual({ label, status });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text);
    expect(problem).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    });
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/stack|SELECT|INSERT|UPDATE |node_modules|at .*\.(js|ts):\d+/);
    if (status === 405) {
      const allowed = (res.headers.get('allow') ?? '').split(',').map((method) => method.trim());
      expect(allowed.sort()).toEqual([...ALLOW[label]].sort());
      expect(allowed).not.toContain(method);
    }
  });
});

describe('after all the bad requests', () => {
  it('nothing was written for any ISPB involved', async () => {
    const ispbs = [...BAD_ISPBS, validIspb];
    const count = async (sql: string) => (await server.db.query(sql, [ispbs])).rows[0].n;
    expect({
      messages: await count('SELECT count(*)::int AS n FROM messages WHERE receiver_ispb::text = ANY ($1::text[])'),
      streams: await count('SELECT count(*)::int AS n FROM streams WHERE ispb::text = ANY ($1::text[])'),
      clients: await count('SELECT count(*)::int AS n FROM clients WHERE ispb::text = ANY ($1::text[])'),
    }).toEqual({ messages: 0, streams: 0, clients: 0 });
  });
});
