/**
 * The CLI's HTTP calls outside a stream (generate): the client library's
 * exchange (keep-alive agents, gzip, see src/client/http.ts) with the body as
 * text, and problem+json details for error messages.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { destroyDefaultAgents, request as exchange, type RequestOptions } from '../client/http.js';

export { pause } from '../client/retry.js';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function request(url: URL, options: RequestOptions = {}): Promise<HttpReply> {
  const reply = await exchange(url, options);
  return { status: reply.status, headers: reply.headers, body: reply.body.toString('utf8') };
}

/** The `detail` of a problem+json body, else the start of the body, for error messages. */
export function describeReply(reply: HttpReply): string {
  try {
    const problem = JSON.parse(reply.body) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string') return `${reply.status}: ${problem.detail}`;
    if (typeof problem.title === 'string') return `${reply.status}: ${problem.title}`;
  } catch {
    // not JSON
  }
  const text = reply.body.trim().slice(0, 200);
  return text ? `${reply.status}: ${text}` : String(reply.status);
}

/** Lets the process exit without waiting for idle keep-alive sockets. */
export const closeAgents = destroyDefaultAgents;
