/**
 * One structured log line and one metric sample per request, written when the
 * response is done (or the client hung up). A caller's X-Request-Id is kept.
 * The route says what it knows (ISPB, iteration, stream) with annotateLog;
 * nothing here parses a URL.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';

export interface RequestLogFields {
  ispb?: string;
  iterationId?: string;
  streamId?: number;
  /** The id of the Pull-Next handed out. */
  pullNext?: string;
  /** The participant the client certificate names (mutual TLS), so a refused request's line says who tried. */
  certificate?: string;
  /** Posted messages refused with an admi.002 (ICOM inbound): the request itself is a 201. */
  rejected?: string[];
}

/** Adds what a route knows about its request to that request's log line. */
export function annotateLog(res: Response, fields: RequestLogFields): void {
  res.locals.log = { ...(res.locals.log as RequestLogFields | undefined), ...fields };
}

export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The matched route pattern, not the URL: ids would make every label value unique.
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.httpRequests.observe({ method: req.method, route, status: String(status) }, seconds);
      if (!logger.isLevelEnabled('info')) return; // on the hot path at LOG_LEVEL=warn, build nothing
      const fields = res.locals.log as RequestLogFields | undefined;
      logger.info(
        { requestId, method: req.method, url: req.originalUrl, ...fields, status, durationMs: Math.round(seconds * 10_000) / 10 },
        'request',
      );
    });
    next();
  };
}
