/**
 * /openapi.json describes exactly the routes the app registers, and what the
 * app answers matches it (every response seen by support/collector.get() is
 * checked too, across the whole suite).
 */
import type { Express } from 'express';
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/app';
import { Database } from '../../src/db/database';
import { createMetrics } from '../../src/lib/metrics';
import { quietProbes } from '../support/probes';
import { LongPoll } from '../../src/stream/long-poll';
import { Wakes } from '../../src/stream/wakes';
import { get } from '../support/collector';
import { randomIspb } from '../support/factories';
import { checkAgainstDocument } from '../support/openapi';
import { startTestServer, testConfig, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ GENERATE_SYNC_MAX: '50', MAX_COLLECTORS_PER_ISPB: '1' });
});
afterAll(() => server.stop());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** (METHOD, /path/{param}) of every route registered, routers included; `.all()` (the 405 handlers) left out. */
function registeredRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${path}`);
      }
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack).sort();
}

it('describes every registered route, and nothing else', async () => {
  const db = new Database(process.env.DATABASE_URL!, 1, pino({ level: 'silent' }));
  const app = createApp({
    db,
    models: server.models,
    longPoll: new LongPoll(),
    wakes: new Wakes(db, () => undefined, 'openapi-test', pino({ level: 'silent' })),
    metrics: createMetrics(quietProbes),
    generationQueue: { enqueue: async () => undefined },
    logger: pino({ level: 'silent' }),
    settings: testConfig(),
  });
  const served = (await request(server.url).get('/openapi.json').expect(200)).body;
  expect(served.openapi).toBe('3.1.0');
  const documented = Object.entries(served.paths as Record<string, object>)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  expect(registeredRoutes(app)).toEqual(documented);
  await db.close();
});

it('serves a readable docs page naming every operation', async () => {
  const res = await request(server.url).get('/docs').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toContain('GET /api/pix/{ispb}/stream/{iterationId}');
  expect(res.text).toContain('href="/openapi.json"');
});

it('every status of every operation, as the app answers it, matches the document', async () => {
  const ispb = randomIspb();
  const seen: string[] = [];
  const check = async (method: 'get' | 'post' | 'delete' | 'put', path: string, accept?: string) => {
    const call = request(server.url)[method](path);
    if (accept) call.set('Accept', accept);
    const res = await call.buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (chunk: Buffer) => (text += chunk.toString()));
      r.on('end', () => done(null, text));
    });
    const body = res.body ? (/json/.test(res.headers['content-type'] ?? '') ? JSON.parse(res.body) : res.body) : undefined;
    const headers = Object.fromEntries(['pull-next', 'retry-after', 'location', 'allow'].map((h) => [h, res.headers[h] ?? null]));
    expect(checkAgainstDocument({ method: method.toUpperCase(), path, status: res.status, contentType: res.headers['content-type'] ?? null, headers, body })).toEqual([]);
    seen.push(`${method.toUpperCase()} ${path.replace(ispb, '{ispb}')} ${res.status}`);
    return res;
  };

  await check('post', `/api/util/msgs/${ispb}/12`);
  const queued = await check('post', `/api/util/msgs/${ispb}/60`);
  await check('get', queued.headers.location);
  await check('get', '/api/util/jobs/5d3b8f0e-2f4a-4c5e-9b1d-7a6c3e2f1a00');
  await check('post', `/api/util/msgs/${ispb}/0`);
  const single = await check('get', `/api/pix/${ispb}/stream/start`);
  expect(single.status).toBe(200);
  await check('get', `/api/pix/${ispb}/stream/start`); // 429: limit is 1
  const batch = await check('get', single.headers['pull-next'], 'multipart/json');
  expect(batch.status).toBe(200);
  await check('get', single.headers['pull-next'], 'multipart/json'); // replay
  const next = await check('get', batch.headers['pull-next'], 'multipart/json');
  await check('get', single.headers['pull-next']); // 410: its batch is acknowledged
  await check('delete', next.headers['pull-next']);
  await check('delete', next.headers['pull-next']); // 410
  await check('get', `/api/pix/${ispb}/stream/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`); // 404
  await check('get', `/api/pix/${ispb}/stream/start`); // 204
  await check('get', `/api/util/ispbs/${ispb}`);
  await check('get', '/api/util/ispbs/abc');
  await check('get', `/api/pix/${ispb}/stream/stop`);
  await check('delete', `/api/pix/${ispb}/stream/stop`);
  await check('put', `/api/pix/${ispb}/stream/stop`);
  await check('get', '/api/pix/abc/stream/start');
  await check('get', `/api/util/dashboard?ispb=${ispb}`);
  await check('get', '/api/util/dashboard?ispb=1234,abc'); // 400
  for (const path of ['/health', '/ready', '/metrics', '/openapi.json', '/docs', '/dashboard', '/api/util/dashboard']) await check('get', path);
  expect(seen).toHaveLength(30);
});

it('the collector helper rejects a response the document does not allow', () => {
  const problems = checkAgainstDocument({
    method: 'GET',
    path: '/api/pix/12345678/stream/start',
    status: 200,
    contentType: 'application/json',
    headers: { 'pull-next': null },
    body: { endToEndId: 'nope' },
  });
  expect(problems.join('\n')).toMatch(/missing header Pull-Next/);
  expect(problems.join('\n')).toMatch(/body does not match/);
  expect(typeof get).toBe('function');
});
