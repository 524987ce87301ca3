/**
 * pix-stream/client: a collector's engine for banks' Node services, on both
 * faces of pix-stream (the challenge JSON API and ICOM's XML).
 *
 *   for await (const batch of openStream({ baseUrl, ispb, face: 'icom', multipart: true })) {
 *     await store(batch.messages); // then asking for the next batch acknowledges this one
 *   }
 *
 * Only Node built-ins: node:http(s) with keep-alive agents, node:zlib.
 */
import { challengeFace, icomFace, type Face, type FaceName, type MessageOf } from './faces.js';
import { PixStream } from './stream.js';
import type { OpenStreamOptions } from './types.js';

export { DedupeWindow } from './dedupe.js';
export { StreamError, type ChallengeMessage, type FaceName, type IcomMessage, type MessageOf } from './faces.js';
export type { BackoffOptions } from './retry.js';
export { PixStream } from './stream.js';
export type { Batch, CloseOptions, CloseOutcome, OpenStreamOptions, StreamEvent, StreamState } from './types.js';

const FACES: Record<FaceName, Face<unknown>> = {
  challenge: challengeFace as Face<unknown>,
  icom: icomFace as Face<unknown>,
};

const ISPB_RULE: Record<FaceName, string> = { challenge: 'exactly 8 digits', icom: '8 characters of 0-9 and A-Z' };

/**
 * Opens nothing yet: the first request goes out when the first batch is
 * asked for. Throws TypeError at once for options that could never work.
 */
export function openStream<F extends FaceName>(options: OpenStreamOptions<F>): PixStream<MessageOf<F>> {
  if (!Object.hasOwn(FACES, options.face)) throw new TypeError(`face must be 'challenge' or 'icom', got ${JSON.stringify(options.face)}`);
  const face = FACES[options.face] as Face<MessageOf<F>>;
  if (typeof options.ispb !== 'string' || !face.ispbPattern.test(options.ispb)) {
    throw new TypeError(`ispb must be ${ISPB_RULE[options.face]} for the ${options.face} face, got ${JSON.stringify(options.ispb)}`);
  }
  const baseUrl = parseBaseUrl(options.baseUrl);
  const timeout = options.requestTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new TypeError(`requestTimeoutMs must be a positive number, got ${timeout}`);
  const headers: Record<string, string> = { ...options.headers, accept: face.accept(options.multipart === true) };
  if (options.gzip !== false) headers['accept-encoding'] = 'gzip';
  // The API may sit under a path prefix: the start URI keeps it (Pull-Next paths come from the server whole).
  const startUrl = new URL(baseUrl.pathname.replace(/\/+$/, '') + face.startPath(options.ispb), baseUrl);
  return new PixStream(face, { baseUrl, startUrl, headers, options });
}

function parseBaseUrl(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(String(raw))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl must be http:// or https://, got ${JSON.stringify(url.href)}`);
  return url;
}
