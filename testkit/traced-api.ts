/**
 * The API with tracing into memory, as a child process for test/http/tracing.test.ts
 * (`fork` with an IPC channel, configured by the environment like main).
 *
 * Why a child process: the instrumentations patch express, pg and node:http
 * through Node's own require, and jest loads a test's modules through a
 * registry of its own that bypasses it, so an in-process server would have no
 * HTTP or pg spans. Here the order is main's: tracing first (an
 * InMemorySpanExporter behind a SimpleSpanProcessor, so a span is readable
 * as soon as it ends), then the server module.
 *
 * Messages: sends { url } once listening; answers 'spans' with { spans }, every
 * span ended since the previous ask; on 'stop' (or when the parent goes away)
 * stops the server and exits.
 */
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { startTracing } from '../src/lib/tracing-sdk.js';

/** What the test reads of a span: plain JSON over the IPC channel. */
export interface SpanRecord {
  name: string;
  /** SpanKind: 0 internal, 1 server, 2 client. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  scope: string;
  attributes: Record<string, unknown>;
  status: number;
  serviceName: unknown;
}

const record = (span: ReadableSpan): SpanRecord => ({
  name: span.name,
  kind: span.kind,
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
  parentSpanId: span.parentSpanContext?.spanId,
  scope: span.instrumentationScope.name,
  attributes: { ...span.attributes },
  status: span.status.code,
  serviceName: span.resource.attributes['service.name'],
});

async function main(): Promise<void> {
  const config = loadConfig();
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing(config.tracing?.serviceName ?? 'pix-stream', new SimpleSpanProcessor(exporter));
  const { startServer } = require('../src/server.js') as typeof import('../src/server.js');
  const server = await startServer(config, createLogger(config.logLevel));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await tracing.shutdown();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'spans') {
      const spans = exporter.getFinishedSpans().map(record);
      exporter.reset();
      process.send!({ spans });
    } else if (message === 'stop') {
      void stop();
    }
  });
  process.on('disconnect', () => void stop());
  process.send!({ url: server.url });
}

main().catch((err) => {
  console.error('traced API failed to start:', err);
  process.exit(1);
});
