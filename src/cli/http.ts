/**
 * The CLI's one HTTP call: node:http(s) over keep-alive agents, the whole body
 * read as text.
 *
 * Cancelling is deliberately limited to *before the response starts*. A
 * stream reply that has begun to arrive is read to the end, so a batch the
 * server handed out is never half-received and lost on our side: once its
 * headers are here, the caller gets it, writes it, and may acknowledge it.
 */
import http from 'node:http';
import https from 'node:https';

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Aborts the request only while no response has arrived (see above). */
  signal?: AbortSignal;
  /** No response headers within this long: fail as a network error. */
  timeoutMs?: number;
}

/** Thrown when `signal` aborted the request before its response began. */
export class RequestAborted extends Error {
  constructor() {
    super('request aborted');
    this.name = 'RequestAborted';
  }
}

export function request(url: URL, options: RequestOptions = {}): Promise<HttpReply> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpReply>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new RequestAborted());
    let responded = false;
    const req = transport.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: agents[url.protocol as keyof typeof agents],
    });
    const onAbort = () => {
      if (!responded) req.destroy(new RequestAborted());
    };
    const cleanUp = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const timer = options.timeoutMs
      ? setTimeout(() => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)), options.timeoutMs)
      : undefined;
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('response', (res) => {
      responded = true;
      cleanUp();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      cleanUp();
      reject(err);
    });
    req.end();
  });
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; `fallbackS` when absent or unreadable. */
export function retryAfterMs(reply: HttpReply, fallbackS = 1): number {
  const raw = reply.headers['retry-after'];
  if (raw && /^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const date = raw ? Date.parse(raw) : NaN;
  if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  return fallbackS * 1000;
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

/** A sleep that a signal cuts short (resolves, never rejects). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Lets the process exit without waiting for idle keep-alive sockets. */
export function closeAgents(): void {
  agents['http:'].destroy();
  agents['https:'].destroy();
}
