/**
 * One HTTP exchange over node:http(s): the whole body read into a Buffer and,
 * when the server gzipped it, decompressed.
 *
 * Keep-alive agents by default: a collector makes one request per batch, and
 * a fresh TCP (and TLS) handshake each time costs more than the batch. Idle
 * sockets are unref'd by Node's agent, so they do not keep a process alive.
 *
 * Cancelling is deliberately limited to *before the response starts*. A
 * stream reply that has begun to arrive is read to the end, so a batch the
 * server handed out is never half-received and lost on our side. The timeout,
 * by contrast, covers the whole exchange: a body that stalls is a dead
 * connection, and the caller replays the same URI.
 */
// Namespace imports: the emitted .d.ts then compiles for consumers without esModuleInterop.
import * as http from 'node:http';
import * as https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);

const defaultAgents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Decompressed when the reply was gzipped. */
  body: Buffer;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Aborts the request only while no response has arrived (see above). */
  signal?: AbortSignal;
  /** The whole exchange must be over within this long, else it fails as a network error. */
  timeoutMs?: number;
  /** Defaults to a shared keep-alive agent per protocol. */
  agent?: http.Agent;
  /** A (decompressed) body larger than this fails the request: a guard against gzip bombs. */
  maxBodyBytes?: number;
  /** Sent as the request body, with its Content-Length (the CLI's posts to ICOM inbound). */
  body?: Buffer;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Thrown when `signal` aborted the request before its response began. */
export class RequestAborted extends Error {
  constructor() {
    super('request aborted');
    this.name = 'RequestAborted';
  }
}

export function request(url: URL, options: RequestOptions = {}): Promise<HttpReply> {
  const transport = url.protocol === 'https:' ? https : http;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return new Promise<HttpReply>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new RequestAborted());
    let responded = false;
    const headers = options.body ? { ...options.headers, 'content-length': String(options.body.length) } : options.headers;
    const req = transport.request(url, {
      method: options.method ?? 'GET',
      headers,
      agent: options.agent ?? defaultAgents[url.protocol as keyof typeof defaultAgents],
    });
    const onAbort = () => {
      if (!responded) req.destroy(new RequestAborted());
    };
    const timer = options.timeoutMs
      ? setTimeout(() => req.destroy(new Error(`no complete response within ${options.timeoutMs} ms`)), options.timeoutMs)
      : undefined;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('response', (res) => {
      responded = true;
      options.signal?.removeEventListener('abort', onAbort);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) req.destroy(new Error(`response body larger than ${maxBody} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        decode(res.headers, Buffer.concat(chunks), maxBody).then(
          (body) => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body })),
          (err: unknown) => settle(() => reject(err)),
        );
      });
      // A reset mid-body: 'error' on the response, or (older Node) only 'aborted'.
      res.on('error', (err) => settle(() => reject(err)));
      res.on('aborted', () => settle(() => reject(new Error('connection closed before the response ended'))));
    });
    req.on('error', (err) => settle(() => reject(err)));
    req.end(options.body);
  });
}

/** Undoes Content-Encoding: gzip (what we ask for); identity passes; anything else is refused. */
async function decode(headers: http.IncomingHttpHeaders, raw: Buffer, maxBody: number): Promise<Buffer> {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzip(raw, { maxOutputLength: maxBody });
  throw new Error(`unsupported Content-Encoding "${encoding}"`);
}

/** Lets a process exit at once without waiting for idle keep-alive sockets of the default agents. */
export function destroyDefaultAgents(): void {
  defaultAgents['http:'].destroy();
  defaultAgents['https:'].destroy();
}
