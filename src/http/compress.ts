/**
 * gzip for the stream's answers, on both faces, when the client asks
 * (`Accept-Encoding: gzip`; ICOM clients always do). Bodies under the
 * threshold go plain: a 204 or a lone small message gains nothing from it.
 *
 * Compressed on the event loop (zlib's sync API), level 1: a batch of 10 is
 * 39-48 µs of deflate, and the async API's hand-off to libuv's thread pool
 * cost more than that, which on two cores only moves the work: gzip drains
 * went from 0.56-0.75 of the identity drain to 0.77-1.19 in alternated runs
 * (docs/performance.md, Levers kept).
 */
import type { Response } from 'express';
import { gzipSync } from 'node:zlib';
import { acceptRanges } from './params.js';

export const GZIP_THRESHOLD_BYTES = 1024;
const GZIP_OPTIONS = { level: 1 };

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  const ranges = acceptRanges(acceptEncoding);
  return (ranges.get('gzip') ?? ranges.get('x-gzip') ?? ranges.get('*') ?? 0) > 0;
}

/** Sends a 200 body, gzip-compressed when the client accepts it and the body is large enough. */
export function sendCompressible(res: Response, contentType: string, body: string | Buffer): void {
  res.setHeader('Vary', 'Accept-Encoding');
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.status(200).setHeader('Content-Type', contentType);
  if (bytes.length >= GZIP_THRESHOLD_BYTES && acceptsGzip(res.req.headers['accept-encoding'])) {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipSync(bytes, GZIP_OPTIONS));
    return;
  }
  res.end(bytes);
}
