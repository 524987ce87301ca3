/**
 * Tracing switched on: the OpenTelemetry Node SDK with the official
 * instrumentations for http (one server span per request, the root of its
 * trace), express (the route handler's span) and pg (a span per query), with
 * the project's own spans (lib/tracing.ts) between them.
 *
 * Required only by main, only when OTEL_EXPORTER_OTLP_ENDPOINT is set, and
 * before anything loads express, pg or http: the instrumentations patch those
 * modules as they are required, so one loaded earlier stays untraced. With the
 * variable unset this file is never loaded, so the SDK costs nothing.
 */
import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  /** Exports the spans still queued, then stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Probes, not traffic: Docker's healthcheck asks /ready every 10 s and
 * Prometheus scrapes /metrics every 15 s, about 10 traces a minute per process
 * that would bury the pulls in Jaeger's search.
 */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);
const untraced = (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!);

const FLUSH_TIMEOUT_MS = 3000;

/** Spans batched (up to 512 per POST, every 5 s at the latest: the SDK's defaults) to `<endpoint>/v1/traces`. */
export function otlpSpanProcessor(endpoint: string): SpanProcessor {
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }));
}

/** Registers the tracer provider, context manager and instrumentations globally; spans go to `spanProcessor`. */
export function startTracing(serviceName: string, spanProcessor: SpanProcessor): Tracing {
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [spanProcessor],
    // Traces only: without these the SDK would also start OTLP metric and log exporters to the same endpoint.
    metricReaders: [],
    logRecordProcessors: [],
    // The pull statement's text is about 4,700 characters, more than half of what a pull exported
    // (bench/tracing-cost.ts); its first 2,048 reach past the claim (FOR UPDATE SKIP LOCKED, at about
    // 1,400), and the span name names the prepared statement.
    spanLimits: { attributeValueLengthLimit: 2048 },
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
      // Handler spans only (they carry http.route): a pull passes 3 middleware and 2 router layers, which were 5
      // zero-length spans of its 10, and the router spans named routes that did not match the request.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // Only queries inside a traced request: pg-boss polls and the LISTEN connection would each start a trace of their own.
      // No pool checkout spans (one per query): a wait for a connection shows as the gap between the claim span
      // and its query span.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  return {
    // Bounded: the compose stop_grace_period (15 s) already holds the server's own drain (SHUTDOWN_TIMEOUT_MS, 10 s);
    // an unreachable collector must not take the rest (the OTLP exporter's own timeout is 10 s).
    shutdown: () => Promise.race([sdk.shutdown(), new Promise<void>((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS).unref())]),
  };
}
