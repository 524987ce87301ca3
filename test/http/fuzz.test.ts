/**
 * Seeded fuzzing of bad input: garbage path segments, wrong methods, junk
 * Accept headers, bad JSON, oversized headers and malformed request lines all
 * get a quick 4xx application/problem+json that leaks nothing, and nothing is
 * written. Reproduce a failure with FUZZ_SEED=<seed from the test name>.
 */
import { randomInt } from 'node:crypto';
import net from 'node:net';
import { randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : randomInt(2 ** 32);
let state = SEED;
/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function random(): number {
  let t = (state = (state + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: ArrayLike<T>): T => items[int(0, items.length - 1)];
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
const string = (length: number, alphabet: string) => times(length, () => pick(alphabet)).join('');
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const LEAKS = /stack|select|insert|update |node_modules|at .*\.(js|ts):\d+/i;
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The value, or undefined if it throws. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** One garbage path segment, percent-encoded as sent. Never decodes to something a route would accept. */
function badSegment(accepts: (decoded: string) => boolean, decodable = false): string {
  for (;;) {
    const raw = pick([
      () => times(int(1, 24), () => `%${int(0, 255).toString(16).padStart(2, '0')}`).join(''), // random bytes, often invalid UTF-8
      () => string(int(1, 12), 'ab%zZ9%%4G'), // broken percent escapes
      () => encodeURIComponent(String.fromCodePoint(...times(int(1, 10), () => pick([int(0x80, 0x7ff), int(0x4e00, 0x9fff), int(0x1f300, 0x1faff), int(0xff10, 0xff19), int(0x0660, 0x0669), 0x202e, 0x200b, 0x0301])))),
      () => encodeURIComponent(string(int(200, 6000), pick(['0123456789', PRINTABLE]))), // very long
      () => encodeURIComponent(pick(['', ' ', '+', '-', '0x', '\n', '\0', '\t']) + string(pick([1, 7, 9, 12]), '0123456789') + pick(['', ' ', '\n', '\0', 'a', '.5', 'e3'])),
      () => encodeURIComponent(pick(["' OR 1=1 --", "1;DROP TABLE messages", '${7*7}', '../../etc/passwd', '<script>', '%s%n', 'null', '[]', '{}', '\\', '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '00000000-0000-0000-0000-000000000000'])),
    ])();
    const decoded = attempt(() => decodeURIComponent(raw)); // undefined: the router answers 400 before any route
    // Details quote the segment: keep leak-like words out of it, or the leak check would flag our own input.
    if (['', '.', '..'].includes(decoded ?? raw) || LEAKS.test(raw) || LEAKS.test(decoded ?? '')) continue;
    if (decoded === undefined ? !decodable : !accepts(decoded)) return raw;
  }
}
const isIspb = (value: string) => /^\d{8}$/.test(value);
const badIspb = () => badSegment(isIspb);
const badDecodableIspb = () => badSegment(isIspb, true); // the route is found: undecodable is a 400 before any method check
const badIterationId = () => badSegment((value) => V4.test(value) || value === 'start' || value === 'stop');
const badNumber = () => badSegment((value) => /^\d+$/.test(value)); // digits only might be a valid count
const SOME_V4 = '3f1c7e4a-9a4b-4c1e-8f2a-2b7d5c0e9a11';

type Case = { label: string; method: string; path: string; status: number; headers?: Record<string, string>; body?: string; allow?: string; detail?: RegExp };

/** Valid ISPBs the fuzzer used (with a bad number, id or method): nothing may be written for them. */
const validIspbs: string[] = [];
const freshIspb = () => (validIspbs.push(randomIspb()), validIspbs[validIspbs.length - 1]);
const streamPath = (ispb: string) => pick([`/api/pix/${ispb}/stream/start`, `/api/pix/${ispb}/stream/stop`, `/api/pix/${ispb}/stream/${SOME_V4}`]);

const badSegments: Case[] = [
  ...times(90, () => {
    const ispb = badIspb();
    const [method, path] = pick([['GET', streamPath(ispb)], ['DELETE', `/api/pix/${ispb}/stream/${pick(['stop', SOME_V4])}`], ['POST', `/api/util/msgs/${ispb}/${pick(['5', badNumber()])}`]]);
    return { label: 'bad ISPB', method, path, status: 400 };
  }),
  ...times(35, () => ({ label: 'bad iteration id', method: pick(['GET', 'DELETE']), path: `/api/pix/${freshIspb()}/stream/${badIterationId()}`, status: 400 })),
  ...times(30, () => ({ label: 'bad number', method: 'POST', path: `/api/util/msgs/${freshIspb()}/${badNumber()}`, status: 400 })),
];

const wrongMethods: Case[] = times(35, () => {
  const ispb = pick([freshIspb, badDecodableIspb])();
  if (random() < 0.3) return { label: 'wrong method', method: pick(['GET', 'PUT', 'PATCH', 'DELETE']), path: `/api/util/msgs/${ispb}/${pick(['1', 'x'])}`, status: 405, allow: 'OPTIONS, POST' };
  const path = streamPath(ispb);
  return { label: 'wrong method', method: pick(['PUT', 'PATCH', 'POST']), path, status: 405, allow: path.endsWith('/start') ? 'GET, OPTIONS' : 'DELETE, GET, OPTIONS' };
});

const badAccepts: Case[] = times(30, () => {
  const accept = pick(['', '*/*;q=abc', 'multipart/json;q=', ';;;,,,', 'multipart/json; q=NaN, */*;q=-1', string(int(1, 300), PRINTABLE).trim()]);
  const [method, path] = pick([['GET', streamPath(badIspb())], ['DELETE', `/api/pix/${badIspb()}/stream/${pick(['stop', SOME_V4])}`]]);
  return { label: 'bad Accept', method, path, status: 400, headers: { accept } };
});

function badJson(): string {
  for (;;) {
    const body = pick([
      () => string(int(1, 200), PRINTABLE),
      () => '{"pagador": {"nome": "x"'.slice(0, int(1, 24)),
      () => pick(['{bad json', "{'a': 1}", '{"a": 1,}', '[1, 2', 'NaN', '"just a string"', '42', 'true', '{"a": undefined}', '\u0000{}']),
    ])();
    const value: unknown = attempt(() => JSON.parse(body));
    // Strict parsing takes objects and arrays only: anything else is a bad body.
    if (!LEAKS.test(body) && (value === null || typeof value !== 'object')) return body;
  }
}

const badBodies: Case[] = [
  // A bad ISPB too, so even a body parsed by mistake writes nothing; the detail shows the body was the reason.
  ...times(25, () => ({ label: 'bad JSON', method: 'POST', path: `/api/util/msgs/${badIspb()}/5`, status: 400, headers: { 'content-type': 'application/json' }, body: badJson(), detail: /JSON/ })),
  ...times(3, () => ({ label: 'unknown charset', method: 'POST', path: `/api/util/msgs/${badIspb()}/5`, status: 415, headers: { 'content-type': `application/json; charset=${pick(['klingon', 'ebcdic', 'x-garbage'])}` }, body: '{}' })),
];

const hugeHeaders: Case[] = [
  { label: 'a 20 KB header', method: 'GET', path: `/api/pix/${badIspb()}/stream/start`, status: 431, headers: { 'x-fuzz': 'a'.repeat(20_000) } },
  { label: '100 headers of 300 bytes', method: 'GET', path: '/health', status: 431, headers: Object.fromEntries(times(100, () => string(300, 'abcdef')).map((value, i) => [`x-fuzz-${i}`, value])) },
  { label: 'a 20 KB path', method: 'GET', path: `/api/pix/${'9'.repeat(20_000)}/stream/start`, status: 431 },
];

const rawRequests: string[] = [
  ...['GET /\x01 HTTP/1.1', 'BREW / HTTP/1.1', 'GET /health HTTP/9.9', 'GET / HTTP/1.1\r\nContent-Length: abc', 'GET / HTTP/1.1\r\nBad Header'].map((head) => `${head}\r\nHost: x\r\n\r\n`),
  'GET /health HTTP/1.1\r\n\r\n', // no Host
  'POST /api/util/msgs/x/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n',
  ...times(8, () => string(int(1, 60), PRINTABLE.slice(1)) + Buffer.from(times(int(1, 20), () => int(0, 255))).toString('latin1') + '\r\n\r\n'),
];

/** What is wrong with a problem response; empty when nothing. */
function problems(c: { status: number; allow?: string; detail?: RegExp }, status: number, headers: Headers | Map<string, string>, text: string): string[] {
  const found: string[] = [];
  if (status !== c.status) found.push(`status ${status}, expected ${c.status}`);
  if (!/^application\/problem\+json/.test(headers.get('content-type') ?? '')) found.push(`content-type ${headers.get('content-type')}`);
  if (c.allow !== undefined && (headers.get('allow') ?? '').split(/,\s*/).sort().join(', ') !== c.allow) found.push(`Allow "${headers.get('allow')}"`);
  if (LEAKS.test(text)) found.push('leaks a stack or SQL');
  const body = attempt(() => JSON.parse(text));
  if (body?.status !== status || !body.title || !body.type || typeof body.detail !== 'string') found.push(`body ${text.slice(0, 200)}`);
  else if (c.detail && !c.detail.test(body.detail)) found.push(`detail "${body.detail}"`);
  return found;
}

let server: TestServer;
let requests = 0;
beforeAll(async () => void (server = await startTestServer()));
afterAll(() => server.stop());

async function send(c: Case): Promise<string[]> {
  requests++;
  try {
    const res = await fetch(server.url + c.path, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(5000) });
    return problems(c, res.status, res.headers, await res.text());
  } catch (err) {
    return [`no answer within 5 s: ${(err as Error).message}`];
  }
}

function sendRaw(data: string): Promise<string[]> {
  requests++;
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (socket.destroy(), resolve(['no answer within 5 s'])), 5000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is fine; a missing answer is caught below
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [head, body] = end < 0 ? [text, ''] : [text.slice(0, end), text.slice(end + 4)];
      const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(head)?.[1]);
      if (!(status >= 400 && status <= 499)) return resolve([`answer ${JSON.stringify(text.slice(0, 100))}`]);
      const headers = new Map(head.split('\r\n').slice(1).map((line) => [line.split(':')[0].toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      // Node's own bare 400 (no Host) is chunked: strip the chunk framing.
      const content = headers.get('transfer-encoding') === 'chunked' ? body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '').replace(/\r\n$/, '') : body;
      resolve(content === '' ? [] : problems({ status }, status, headers, content));
    });
    socket.write(Buffer.from(data, 'latin1'));
  });
}

/** Runs the cases a few at a time; resolves with every failure, labelled so it can be found again. */
async function run<T>(cases: T[], check: (c: T) => Promise<string[]>, describeCase: (c: T) => string): Promise<string[]> {
  const failures: string[] = [];
  const queue = cases.entries();
  const worker = async () => {
    for (const [index, c] of queue) for (const problem of await check(c)) failures.push(`#${index} ${describeCase(c)}: ${problem}`);
  };
  await Promise.all(times(6, worker));
  return failures;
}
const describeRequest = (c: Case) => `${c.label} ${c.method} ${c.path.slice(0, 120)}`;

describe(`fuzz (seed ${SEED}; rerun with FUZZ_SEED=${SEED})`, () => {
  it.each([
    ['garbage ISPB, iteration id and number segments answer 400', badSegments],
    ['wrong methods answer 405 with an Allow header', wrongMethods],
    ['junk Accept headers with a bad ISPB still answer 400', badAccepts],
    ['bad JSON bodies answer 400 (an unknown charset 415)', badBodies],
    ['oversized headers answer 431', hugeHeaders],
  ])('%s, as problem+json', async (_name, cases) => {
    expect(await run(cases, send, describeRequest)).toEqual([]);
  });

  it('malformed raw request lines answer a 4xx status line, with a problem+json body if any', async () => {
    expect(await run(rawRequests, sendRaw, (data) => JSON.stringify(data.slice(0, 80)))).toEqual([]);
  });

  it('a request line without an HTTP version (HTTP/0.9 style) answers a 4xx, not 200', async () => {
    expect(await sendRaw('GET /health\r\nHost: x\r\n\r\n')).toEqual([]);
  });

  it('wrote nothing for any ISPB it used, sent at least 200 requests, and the server still answers /health', async () => {
    expect(requests).toBeGreaterThanOrEqual(200);
    const count = async (table: string, column: string) =>
      (await server.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column}::text = ANY ($1::text[])`, [validIspbs])).rows[0].n;
    expect([await count('messages', 'receiver_ispb'), await count('streams', 'ispb'), await count('clients', 'ispb')]).toEqual([0, 0, 0]);
    const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
  });
});
