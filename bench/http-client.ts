/**
 * The smallest HTTP client that will do for measuring: node:http, one
 * keep-alive agent per collector (one socket), the body kept as text.
 * No JSON parsing here: the drain counts messages by scanning for endToEndId.
 */
import http from 'node:http';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
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

export class HttpClient {
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
