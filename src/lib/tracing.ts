/**
 * The project's own spans, through @opentelemetry/api only. Until an SDK
 * registers a tracer provider (lib/tracing-sdk.ts, loaded by main only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set) `tracer` is the API's no-op: a span is
 * a shared non-recording object, no context is stored, nothing is exported.
 * So the hot path calls `traced` unconditionally.
 */
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Tracing } from './tracing-sdk.js';

/** A proxy: it starts delegating to the SDK's tracer whenever one is registered, before or after this module loads. */
export const tracer = trace.getTracer('pix-stream');

/**
 * Runs `work` inside a span named `name` (the active span while it runs, so
 * the pg queries it makes are its children). `outcome` turns the result into
 * attributes; it runs only when the span records, so it costs nothing when
 * tracing is off. A rejection marks the span as an error and is rethrown.
 */
export function traced<T>(name: string, attributes: Attributes, work: () => Promise<T>, outcome?: (result: T) => Attributes): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await work();
      if (outcome && span.isRecording()) span.setAttributes(outcome(result));
      return result;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * main's switch, called before anything loads express, pg or http: with
 * settings, loads the SDK and starts exporting over OTLP/HTTP; without, loads
 * nothing and registers nothing (the global tracer provider stays the no-op).
 */
export function startConfiguredTracing(settings: { endpoint: string; serviceName: string } | undefined): Tracing | undefined {
  if (!settings) return undefined;
  // require, not import: a static import would load the SDK (about 80 packages) even with tracing off.
  const sdk = require('./tracing-sdk.js') as typeof import('./tracing-sdk.js');
  return sdk.startTracing(settings.serviceName, sdk.otlpSpanProcessor(settings.endpoint));
}
