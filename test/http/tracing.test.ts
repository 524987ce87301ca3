/**
 * OpenTelemetry traces. With tracing on, the API runs as a child process
 * (testkit/traced-api.ts: spans into an InMemorySpanExporter, read over IPC),
 * because the instrumentations patch modules through Node's require, which
 * jest's own module registry bypasses. Each pull must be one trace: the HTTP
 * server span as its root, the engine's claim and long-poll wait spans below
 * it, and the pg query spans below the claim. With OTEL_EXPORTER_OTLP_ENDPOINT
 * unset, main's start-up registers nothing and patches nothing.
 * `npm test` builds dist/ first.
 */
import { context, SpanStatusCode, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { node as sdkNode } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { Database } from '../../src/db/database';
import { traced } from '../../src/lib/tracing';
import type { SpanRecord } from '../../testkit/traced-api';
import { startApiProcess } from '../support/api-process';
import { randomIspb, seedMessages } from '../support/factories';
import { TEST_ENV } from '../support/server';

const root = path.resolve(__dirname, '../..');
const SERVER = 1;
const CLIENT = 2;

/** Every OTEL_ variable dropped: what the child sees is only what a test sets. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  return { ...env, ...TEST_ENV, DATABASE_URL: process.env.DATABASE_URL, ...extra };
}

class TracedApi {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(): Promise<TracedApi> {
    const child = fork(path.join(root, 'dist/testkit/traced-api.js'), [], {
      // A long poll of 1.5 s, not the suite's 400 ms: the notified test seeds a message while a pull waits, with room for a loaded machine.
      env: environment({ LONG_POLL_TIMEOUT_MS: '1500' }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`traced API exited with ${code} before listening`)));
      child.once('message', (message) => resolve(new TracedApi(child, (message as { url: string }).url)));
    });
  }

  /** Every span ended since the last call. */
  spans(): Promise<SpanRecord[]> {
    return new Promise((resolve) => {
      this.child.once('message', (message) => resolve((message as { spans: SpanRecord[] }).spans));
      this.child.send('spans');
    });
  }

  /**
   * Spans ended since the last call, once the server span of `path` is among
   * them: the server span ends when the response has been written, which may
   * be just after the client has read it.
   */
  async spansOf(pathname: string): Promise<SpanRecord[]> {
    const collected: SpanRecord[] = [];
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      collected.push(...(await this.spans()));
      if (collected.some((span) => span.kind === SERVER && urlPath(span) === pathname)) return collected;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no server span for ${pathname} in ${JSON.stringify(collected.map((s) => s.name))}`);
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await exited;
  }
}

/** The request path of a server span. */
const urlPath = (span: SpanRecord) => span.attributes['url.path'] as string | undefined;

/** The spans of each trace, by trace id. */
function byTrace(spans: SpanRecord[]): Map<string, SpanRecord[]> {
  const traces = new Map<string, SpanRecord[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

/** Whether `ancestor` is on the parent chain of `span` (within one trace's spans). */
function descends(span: SpanRecord, ancestor: SpanRecord, trace: SpanRecord[]): boolean {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  for (let at = byId.get(span.parentSpanId ?? ''); at; at = byId.get(at.parentSpanId ?? '')) if (at === ancestor) return true;
  return false;
}

/** The one trace of a request: its spans, the root (which must be the server span of `pathname`). */
function traceOf(spans: SpanRecord[], pathname: string) {
  const server = spans.find((span) => span.kind === SERVER && urlPath(span) === pathname)!;
  const trace = spans.filter((span) => span.traceId === server.traceId);
  const roots = trace.filter((span) => !span.parentSpanId);
  expect(roots).toEqual([server]);
  return { server, trace };
}

describe('the packages under jest (CommonJS) and lib/tracing.ts in-process', () => {
  it('the SDK, exporter and instrumentations load, and lib/tracing-sdk.ts with them', async () => {
    // Loaded, not constructed: an instrumentation registers its require hook as soon as it is constructed.
    expect(typeof require('@opentelemetry/sdk-node').NodeSDK).toBe('function');
    expect(typeof require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter).toBe('function');
    expect(typeof require('@opentelemetry/instrumentation-http').HttpInstrumentation).toBe('function');
    expect(typeof require('@opentelemetry/instrumentation-express').ExpressInstrumentation).toBe('function');
    expect(typeof require('@opentelemetry/instrumentation-pg').PgInstrumentation).toBe('function');
    const sdk = require('../../src/lib/tracing-sdk') as typeof import('../../src/lib/tracing-sdk');
    expect(typeof sdk.startTracing).toBe('function');
    await sdk.otlpSpanProcessor('http://127.0.0.1:9').shutdown(); // nothing queued: nothing sent
  });

  it('with no provider registered, traced() only runs the work: the outcome is never computed', async () => {
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe('NoopTracerProvider');
    const outcome = jest.fn(() => ({}));
    await expect(traced('noop', { a: 1 }, async () => 42, outcome)).resolves.toBe(42);
    expect(outcome).not.toHaveBeenCalled();
  });

  it('with a provider, traced() nests spans, adds the outcome, and records a rejection', async () => {
    const exporter = new InMemorySpanExporter();
    // The project's own spans need no patched module, so they can be checked in-process.
    new sdkNode.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    try {
      const result = await traced('outer', { 'pix.ispb': '12345678' }, () => traced('inner', {}, async () => 7), (n) => ({ 'pix.messages': n }));
      expect(result).toBe(7);
      await expect(traced('failing', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

      const spans = Object.fromEntries(exporter.getFinishedSpans().map((span) => [span.name, span]));
      expect(spans.inner.parentSpanContext?.spanId).toBe(spans.outer.spanContext().spanId);
      expect(spans.outer.attributes).toEqual({ 'pix.ispb': '12345678', 'pix.messages': 7 });
      expect(spans.failing.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
      expect(spans.failing.events.map((event) => event.name)).toEqual(['exception']);
      expect(spans.failing.parentSpanContext).toBeUndefined(); // a root: nothing was active any more
    } finally {
      trace.disable();
      context.disable();
    }
  });
});

describe('tracing on (in-memory exporter, API in a child process)', () => {
  let api: TracedApi;
  let db: Database;

  beforeAll(async () => {
    api = await TracedApi.start();
    db = new Database(process.env.DATABASE_URL!, 2, pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await api?.stop();
    await db?.close();
  });

  /** Opens a stream on `ispb` (one message per answer) and returns its first Pull-Next, its spans read and dropped. */
  async function startStream(ispb: string): Promise<string> {
    const start = await fetch(`${api.url}/api/pix/${ispb}/stream/start`);
    expect(start.status).toBe(200);
    await api.spansOf(`/api/pix/${ispb}/stream/start`);
    return start.headers.get('pull-next')!;
  }

  it('a pull is one trace: server span as root, the claim below it, pg queries below the claim', async () => {
    const ispb = randomIspb();
    await seedMessages(db, ispb, 2);
    const next = await startStream(ispb);

    const pull = await fetch(`${api.url}${next}`);
    expect(pull.status).toBe(200);
    const spans = await api.spansOf(next);

    // Nothing else ran: every span ended since the start belongs to this one pull's trace.
    expect([...byTrace(spans).keys()]).toHaveLength(1);
    const { server, trace } = traceOf(spans, next);
    expect(server.serviceName).toBe('pix-stream');
    // Four spans: express's handler span only (lib/tracing-sdk.ts drops the middleware and router layers, and pool checkouts).
    expect(trace.map((span) => span.name.replace(/^(pg\.query:\S+).*/, '$1')).sort()).toEqual([
      'GET /api/pix/:ispb/stream/:iterationId',
      'pg.query:pix-pull-batch-challenge',
      'request handler',
      'stream.claim',
    ]);
    expect(server.name).toBe('GET /api/pix/:ispb/stream/:iterationId'); // named by its route (express), not its URL
    expect(server.attributes['http.response.status_code']).toBe(200);

    const claims = trace.filter((span) => span.name === 'stream.claim');
    expect(claims).toHaveLength(1);
    const [claim] = claims;
    expect(descends(claim, server, trace)).toBe(true);
    expect(claim.attributes).toMatchObject({ 'pix.ispb': ispb, 'pix.face': 'challenge', 'pix.final': false, 'pix.answered': true, 'pix.messages': 1 });

    // db.system.name: the stable name of db.system, the only one instrumentation-pg 0.76 emits.
    const queries = trace.filter((span) => span.kind === CLIENT && span.attributes['db.system.name'] === 'postgresql' && descends(span, claim, trace));
    expect(queries.length).toBeGreaterThanOrEqual(1);
    // The statement's text, cut at 2,048 characters (of about 5,300) but past the claim.
    expect(queries.some((span) => String(span.attributes['db.query.text']).includes('FOR UPDATE SKIP LOCKED'))).toBe(true);
    for (const span of queries) expect(String(span.attributes['db.query.text']).length).toBeLessThanOrEqual(2048);
    // A pull that finds messages does not wait.
    expect(trace.filter((span) => span.name === 'stream.long_poll.wait')).toEqual([]);
  });

  it('an empty pull waits: claim, wait (timeout), final claim, all in the one trace of its 204', async () => {
    const ispb = randomIspb();
    await seedMessages(db, ispb, 1);
    const next = await startStream(ispb);

    const pull = await fetch(`${api.url}${next}`); // nothing left: waits LONG_POLL_TIMEOUT_MS (1.5 s)
    expect(pull.status).toBe(204);
    const spans = await api.spansOf(next);
    expect([...byTrace(spans).keys()]).toHaveLength(1);
    const { server, trace } = traceOf(spans, next);

    const waits = trace.filter((span) => span.name === 'stream.long_poll.wait');
    expect(waits).toHaveLength(1);
    expect(waits[0].attributes).toMatchObject({ 'pix.ispb': ispb, 'pix.wake_reason': 'timeout' });
    expect(descends(waits[0], server, trace)).toBe(true);
    const claims = trace.filter((span) => span.name === 'stream.claim');
    expect(claims.map((span) => [span.attributes['pix.final'], span.attributes['pix.answered']])).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it('a wait woken by a new message says so', async () => {
    const ispb = randomIspb();
    await seedMessages(db, ispb, 1);
    const next = await startStream(ispb);

    const pull = fetch(`${api.url}${next}`);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the pull is waiting (the long poll is 1.5 s)
    await seedMessages(db, ispb, 1);
    expect((await pull).status).toBe(200);
    const { trace } = traceOf(await api.spansOf(next), next);
    const reasons = trace.filter((span) => span.name === 'stream.long_poll.wait').map((span) => span.attributes['pix.wake_reason']);
    expect(reasons).toEqual(['notified']);
  });

  it('probes are not traced: /health, /ready, /metrics', async () => {
    for (const probe of ['/health', '/ready', '/metrics']) expect((await fetch(`${api.url}${probe}`)).status).toBe(200);
    const traced = await fetch(`${api.url}/openapi.json`);
    expect(traced.status).toBe(200);
    const spans = await api.spansOf('/openapi.json');
    expect(spans.filter((span) => span.kind === SERVER).map(urlPath)).toEqual(['/openapi.json']);
  });
});

/**
 * main's start-up switch (startConfiguredTracing with the config's settings)
 * in a fresh node process, then express, pg and http loaded as the server
 * would: what got registered and patched. shimmer marks a patched function
 * with __wrapped.
 */
function startUp(env: Record<string, string>) {
  const script = `
    const { loadConfig } = require('./dist/src/config.js');
    const { startConfiguredTracing } = require('./dist/src/lib/tracing.js');
    const tracing = startConfiguredTracing(loadConfig().tracing);
    const api = require('@opentelemetry/api');
    const pg = require('pg');
    const express = require('express');
    const http = require('node:http');
    const provider = api.trace.getTracerProvider();
    const span = api.trace.getTracer('probe').startSpan('probe');
    console.log(JSON.stringify({
      started: tracing !== undefined,
      provider: (provider.getDelegate ? provider.getDelegate() : provider).constructor.name,
      recording: span.isRecording(),
      sdkLoaded: Object.keys(require.cache).filter((file) => /@opentelemetry[\\\\/](sdk-node|instrumentation)/.test(file)).length > 0,
      patched: {
        pg: Boolean(pg.Client.prototype.query.__wrapped),
        http: Boolean(http.Server.prototype.emit.__wrapped),
        express: Boolean(express.Router.prototype.route.__wrapped || require('router').prototype.route.__wrapped),
      },
    }));
    if (tracing) tracing.shutdown().then(() => process.exit(0));
  `;
  const output = execFileSync(process.execPath, ['-e', script], { cwd: root, env: environment(env), encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop()!);
}

describe('tracing off', () => {
  it('with OTEL_EXPORTER_OTLP_ENDPOINT unset nothing is loaded, registered or patched', () => {
    expect(startUp({})).toEqual({
      started: false,
      provider: 'NoopTracerProvider',
      recording: false,
      sdkLoaded: false,
      patched: { pg: false, http: false, express: false },
    });
  });

  it('(the same probe sees it all when the endpoint is set)', () => {
    // Port 9 (discard) on loopback: nothing is listening, and nothing is exported before shutdown.
    const on = startUp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on).toMatchObject({ started: true, recording: true, sdkLoaded: true, patched: { pg: true, http: true, express: true } });
    expect(on.provider).not.toBe('NoopTracerProvider');
  });
});

/** What an OTLP/HTTP collector received: each POST's path, content type and JSON body. */
async function startCollector() {
  const posts: { path: string; contentType: string; body: OtlpTraces }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      posts.push({ path: req.url!, contentType: req.headers['content-type'] ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, close: () => new Promise((resolve) => server.close(resolve)) };
}

interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string }[] }[];
  }[];
}

describe('tracing on through main (OTLP/HTTP)', () => {
  it('node dist/src/main.js exports to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces and flushes on SIGTERM', async () => {
    const collector = await startCollector();
    const db = new Database(process.env.DATABASE_URL!, 2, pino({ level: 'silent' }));
    try {
      const api = await startApiProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'pix-stream-e2e' });
      const ispb = randomIspb();
      await seedMessages(db, ispb, 1);
      expect((await fetch(`${api.url}/api/pix/${ispb}/stream/start`)).status).toBe(200);
      // Well within the batch processor's 5 s schedule: these spans are still queued when SIGTERM arrives.
      await api.stop();
      expect(await api.exited).toBe(0);

      expect(collector.posts.length).toBeGreaterThan(0);
      for (const post of collector.posts) expect([post.path, post.contentType]).toEqual(['/v1/traces', 'application/json']);
      const resources = collector.posts.flatMap((post) => post.body.resourceSpans);
      const serviceNames = new Set(resources.map((r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue));
      expect([...serviceNames]).toEqual(['pix-stream-e2e']);
      const names = resources.flatMap((r) => r.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name)));
      expect(names).toEqual(expect.arrayContaining(['GET /api/pix/:ispb/stream/start', 'stream.claim', 'pg.query:pix-pull-batch-challenge pix_stream_test']));
      // The /health polls that startApiProcess waits with are probes: not traced.
      expect(names.filter((name) => name.includes('/health'))).toEqual([]);
    } finally {
      await collector.close();
      await db.close();
    }
  });
});
