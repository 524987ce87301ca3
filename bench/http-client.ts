/**
 * The bench's two HTTP clients, both Node's own, the body kept as text:
 *   FetchClient  Node's fetch (undici) with its default headers, so it asks for
 *                gzip (`Accept-Encoding: gzip, deflate`) and decompresses, as
 *                browsers, curl --compressed and most HTTP libraries do. The
 *                collectors whose speed is measured (drains, the many-ISPBs
 *                fleet, insert -> delivery) use it; `encoding: 'identity'`
 *                asks for plain answers instead.
 *   HttpClient   node:http, one keep-alive agent per caller: the plumbing
 *                (seeding, posts, closes, idle long polls).
 * No JSON parsing here: the drain counts messages by scanning for endToEndId.
 */
import http from 'node:http';

export interface HttpReply {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** performance.now() when the whole body had arrived. */
  receivedAt: number;
}

export interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  agent?: http.Agent;
  signal?: AbortSignal;
  body?: string | Buffer;
}

/** A keep-alive agent holding exactly one socket: one collector, one connection. */
export function collectorAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
}

/** What the drains, the fleet and the latency step need of a client. */
export interface Requester {
  readonly baseUrl: string;
  request(path: string, options?: RequestOptions): Promise<HttpReply>;
}

export class HttpClient implements Requester {
  constructor(readonly baseUrl: string) {}

  private get url(): URL {
    return new URL(this.baseUrl);
  }

  request(path: string, options: RequestOptions = {}): Promise<HttpReply> {
    const { hostname, port } = this.url;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          hostname,
          port,
          path,
          method: options.method ?? 'GET',
          headers: options.headers,
          agent: options.agent,
          signal: options.signal,
        },
        (res) => {
          res.setEncoding('utf8');
          let body = '';
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, receivedAt: performance.now() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<{ status: number; body: T; headers: http.IncomingHttpHeaders }> {
    const reply = await this.request(path, options);
    return { status: reply.status, headers: reply.headers, body: (reply.body ? JSON.parse(reply.body) : undefined) as T };
  }
}

/** `identity`: ask for plain answers (Accept-Encoding: identity); `default`: fetch's own header (gzip, deflate). */
export type AnswerEncoding = 'default' | 'identity';

/**
 * Node's fetch as an application would call it: the global dispatcher (a
 * keep-alive pool per origin), default headers, the body read with text().
 * `agent` is ignored: concurrent requests each take a pooled connection.
 */
export class FetchClient implements Requester {
  constructor(
    readonly baseUrl: string,
    readonly encoding: AnswerEncoding = 'default',
  ) {}

  async request(path: string, options: RequestOptions = {}): Promise<HttpReply> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = String(value);
    if (this.encoding === 'identity') headers['accept-encoding'] = 'identity';
    const res = await fetch(new URL(path, this.baseUrl), {
      method: options.method ?? 'GET',
      headers,
      signal: options.signal,
      body: typeof options.body === 'string' || options.body === undefined ? options.body : new Uint8Array(options.body),
    });
    const body = await res.text();
    const receivedAt = performance.now();
    const plain: Record<string, string> = {};
    res.headers.forEach((value, name) => (plain[name] = value));
    return { status: res.status, headers: plain, body, receivedAt };
  }
}

// PostgreSQL's json_build_object text writes `"key" : "value"`; Express's JSON has no spaces: accept both.
const END_TO_END_ID = /"endToEndId"\s*:\s*"([^"]+)"/g;

/** The endToEndIds in a reply body (one object or a JSON array of them), without parsing the JSON. */
export function endToEndIds(body: string): string[] {
  const ids: string[] = [];
  for (const match of body.matchAll(END_TO_END_ID)) ids.push(match[1]);
  return ids;
}

export function pullNextOf(reply: HttpReply): string {
  const value = reply.headers['pull-next'];
  if (typeof value !== 'string') throw new Error(`reply ${reply.status} has no Pull-Next: ${reply.body.slice(0, 300)}`);
  return value;
}

export function isAbort(err: unknown): boolean {
  return (err as { name?: string }).name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
