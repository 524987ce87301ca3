/**
 * gzip for the stream's answers, on both faces, when the client asks
 * (`Accept-Encoding: gzip`; ICOM clients always do). Bodies under the
 * threshold go plain: a 204 or a lone small message gains nothing from it.
 * Compression runs on libuv's thread pool (zlib's async API), off the event
 * loop. Level 1: on a batch of 10 pacs.008 it keeps most of the saving at a
 * fraction of the default level's CPU (see the README's Performance section).
 */
import type { Response } from 'express';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { acceptRanges } from './params.js';

export const GZIP_THRESHOLD_BYTES = 1024;
const GZIP_LEVEL = 1;
const gzipAsync = promisify(gzip);

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  const ranges = acceptRanges(acceptEncoding);
  return (ranges.get('gzip') ?? ranges.get('x-gzip') ?? ranges.get('*') ?? 0) > 0;
}

/** Sends a 200 body, gzip-compressed when the client accepts it and the body is large enough. */
export async function sendCompressible(res: Response, contentType: string, body: string | Buffer): Promise<void> {
  res.setHeader('Vary', 'Accept-Encoding');
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.status(200).setHeader('Content-Type', contentType);
  if (bytes.length >= GZIP_THRESHOLD_BYTES && acceptsGzip(res.req.headers['accept-encoding'])) {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(await gzipAsync(bytes, { level: GZIP_LEVEL }));
    return;
  }
  res.end(bytes);
}
