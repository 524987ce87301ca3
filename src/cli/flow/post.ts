/**
 * POST /api/v1/in/{ispb}/msgs as a participant's sending side does it: one
 * document as application/xml, several as multipart/mixed (each part
 * application/xml), optionally gzip-compressed.
 *
 * Retrying is safe because ICOM inbound is idempotent on BizMsgIdr: the same
 * body posted again after a lost response stores nothing and answers the
 * same PI-ResourceIds. So a network error, a timeout, a 5xx or a 429 repeats
 * the very same body (after Retry-After, else a backoff); any other answer
 * than 201 is a refusal, reported with the problem's detail.
 *
 * The stop signal ends the waits between attempts, not a request in flight:
 * one that is cut off may still be stored, and the caller would then count
 * as unsent (and the receiver release unanswered) what the API has taken.
 * A request is over within POST_TIMEOUT_MS anyway.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { describeReply } from '../../client/faces.js';
import { request, type HttpReply } from '../../client/http.js';
import { backoffDelay, pause, retryAfterMs } from '../../client/retry.js';
import { renderMultipartMixed } from '../../http/icom/multipart.js';

const gzip = promisify(gzipCallback);

/** With the backoff (250 ms doubling up to 10 s) about a minute of an API that does not answer. */
const MAX_ATTEMPTS = 10;
/** A post is committed within milliseconds; this only guards a connection that went dead. */
const POST_TIMEOUT_MS = 30_000;
const XML = 'application/xml; charset=utf-8';

/** The API answered the post with a refusal (4xx other than 429), or never got through. */
export class PostFailed extends Error {}

/** The stop signal came before the post was sent, or between its attempts. */
export class PostAborted extends Error {}

export interface PostTarget {
  baseUrl: URL;
  gzip: boolean;
  signal: AbortSignal;
}

/** What a post costs the caller: its body, built once and sent as often as needed. */
async function encodeBody(documents: readonly string[], compress: boolean): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const { contentType, body } =
    documents.length === 1
      ? { contentType: XML, body: Buffer.from(documents[0]!, 'utf8') }
      : renderMultipartMixed(documents.map((xml) => ({ headers: { 'content-type': XML }, body: xml })));
  const headers: Record<string, string> = { 'content-type': contentType };
  if (!compress) return { headers, body };
  headers['content-encoding'] = 'gzip';
  return { headers, body: await gzip(body) };
}

/** Posts `documents` as participant `ispb`; returns their PI-ResourceIds, in order. */
export async function postMessages(target: PostTarget, ispb: string, documents: readonly string[]): Promise<string[]> {
  const url = new URL(`${target.baseUrl.pathname.replace(/\/+$/, '')}/api/v1/in/${ispb}/msgs`, target.baseUrl);
  const { headers, body } = await encodeBody(documents, target.gzip);
  let problem = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    if (target.signal.aborted) throw new PostAborted('stopped');
    let reply: HttpReply | null = null;
    try {
      reply = await request(url, { method: 'POST', headers, body, timeoutMs: POST_TIMEOUT_MS });
    } catch (err) {
      problem = (err as Error).message || String(err);
    }
    if (reply?.status === 201) return resourceIds(reply, documents.length, url);
    if (reply && reply.status < 500 && reply.status !== 429 && reply.status !== 408) {
      throw new PostFailed(`POST ${url.pathname} answered ${describeReply(reply)}`);
    }
    if (reply) problem = describeReply(reply);
    if (attempt < MAX_ATTEMPTS) await pause((reply && retryAfterMs(reply.headers)) ?? backoffDelay(attempt), target.signal);
  }
  throw new PostFailed(`POST ${url.pathname} failed ${MAX_ATTEMPTS} times, the last with ${problem}`);
}

function resourceIds(reply: HttpReply, expected: number, url: URL): string[] {
  const header = reply.headers['pi-resourceid'];
  const ids = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((id) => id.trim()).filter(Boolean);
  if (ids.length !== expected) throw new PostFailed(`POST ${url.pathname} answered 201 with ${ids.length} PI-ResourceIds for ${expected} messages`);
  return ids;
}
