import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

// The ISPB and iteration id, read off the URL: by the time the response closes, the router has let go of req.params.
const PATH_IDS = /^\/api\/(?:pix|util\/msgs)\/(\d{8})(?:\/stream\/([0-9a-fA-F-]{36}))?/;

/**
 * One structured log line and one metric sample per request, written when the
 * response is done (or the client hung up). A caller's X-Request-Id is kept.
 */
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
      const ids = PATH_IDS.exec(req.originalUrl);
      const pullNext = res.getHeader('Pull-Next');
      logger.info(
        {
          requestId,
          method: req.method,
          url: req.originalUrl,
          ispb: ids?.[1],
          iterationId: ids?.[2],
          streamId: res.locals.streamId,
          pullNext: typeof pullNext === 'string' ? pullNext.slice(pullNext.lastIndexOf('/') + 1) : undefined,
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
        },
        'request',
      );
    });
    next();
  };
}
