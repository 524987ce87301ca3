/**
 * A tiny server speaking the ICOM face's stream contract with canned
 * messages, for testing the client without the real face: start, PI-Pull-Next
 * (in a shape of its own, so the client cannot lean on the format), replay of
 * a repeated URI, multipart/mixed or application/xml by Accept, gzip above
 * 1 KiB, 204 when empty, problem+xml errors, 429 with Retry-After, and a
 * scripted "expired" that answers 410 and puts the unacknowledged batch back.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { renderMultipartMixed } from '../../src/http/icom/multipart';
import { renderProblemXml } from '../../src/iso20022/problem-xml';

export interface CannedMessage {
  resourceId: string;
  xml: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Iteration {
  batch: CannedMessage[];
  /** What requesting this URI answered, replayed on a repeat. */
  answer?: Answer;
  streamId: number;
}

export interface IcomStubOptions {
  ispb: string;
  messages: CannedMessage[];
  /** Answer this many starts with 429 first. */
  refuseStarts?: number;
  /** What a DELETE answers (the contract allows 200 and 410). */
  deleteStatus?: 200 | 410;
}

export interface IcomStub {
  url: string;
  /** "METHOD path accept accept-encoding" of each request. */
  requests: string[];
  acknowledged: string[];
  gzipped: number;
  /** Ends every open stream: their next request answers 410, their unacknowledged batches are pending again. */
  expireStreams(): void;
  close(): Promise<void>;
}

export async function startIcomStub(options: IcomStubOptions): Promise<IcomStub> {
  const pending = [...options.messages];
  const iterations = new Map<string, Iteration>();
  const ended = new Set<number>();
  let refuse = options.refuseStarts ?? 0;
  let streams = 0;
  const stub = { requests: [] as string[], acknowledged: [] as string[], gzipped: 0 };
  const base = `/api/v1/out/${options.ispb}/stream/`;

  const problem = (res: http.ServerResponse, status: number, detail: string, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/problem+xml; charset=utf-8', ...headers }).end(renderProblemXml({ title: 'stub', status, detail }));

  const newIteration = (streamId: number, batch: CannedMessage[]) => {
    const path = `${base}it/${randomBytes(6).toString('hex')}.${streamId}`;
    iterations.set(path, { batch, streamId });
    return path;
  };

  const deliver = (req: http.IncomingMessage, streamId: number): Answer => {
    const multipart = /multipart\/mixed/.test(req.headers.accept ?? '');
    const batch = pending.splice(0, multipart ? 10 : 1);
    const next = newIteration(streamId, batch);
    if (batch.length === 0) return { status: 204, headers: { 'PI-PULL-Next': next }, body: Buffer.alloc(0) };
    if (!multipart) {
      const only = batch[0]!;
      const headers = { 'PI-Pull-Next': next, 'content-type': 'application/xml; charset=utf-8', 'PI-ResourceId': only.resourceId };
      return { status: 200, headers, body: Buffer.from(only.xml, 'utf8') };
    }
    const parts = batch.map((m) => ({ headers: { 'Content-Type': 'application/xml; charset=utf-8', 'PI-ResourceId': m.resourceId }, body: m.xml }));
    const { contentType, body } = renderMultipartMixed(parts);
    return { status: 200, headers: { 'PI-Pull-Next': next, 'content-type': contentType }, body };
  };

  const acknowledgeAndDeliver = (req: http.IncomingMessage, iteration: Iteration): Answer => {
    stub.acknowledged.push(...iteration.batch.map((m) => m.resourceId));
    iteration.batch = [];
    return deliver(req, iteration.streamId);
  };

  const send = (req: http.IncomingMessage, res: http.ServerResponse, answer: Answer) => {
    let { body } = answer;
    const headers = { ...answer.headers };
    if (body.length > 1024 && /gzip/.test(req.headers['accept-encoding'] ?? '')) {
      body = zlib.gzipSync(body);
      headers['content-encoding'] = 'gzip';
      stub.gzipped += 1;
    }
    res.writeHead(answer.status, headers).end(body);
  };

  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    stub.requests.push(`${req.method} ${path} ${req.headers.accept ?? '-'} ${req.headers['accept-encoding'] ?? '-'}`);
    if (path === `${base}start` && req.method === 'GET') {
      if (refuse > 0) {
        refuse -= 1;
        return problem(res, 429, 'too many open streams', { 'retry-after': '1' });
      }
      streams += 1;
      return send(req, res, deliver(req, streams));
    }
    const iteration = iterations.get(path);
    if (!iteration) return problem(res, 404, `no iteration ${path}`);
    if (ended.has(iteration.streamId)) return problem(res, 410, 'the stream has expired');
    if (req.method === 'DELETE') {
      stub.acknowledged.push(...iteration.batch.map((m) => m.resourceId));
      ended.add(iteration.streamId);
      return res.writeHead(options.deleteStatus ?? 200).end();
    }
    iteration.answer ??= acknowledgeAndDeliver(req, iteration);
    send(req, res, iteration.answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return Object.assign(stub, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    expireStreams() {
      for (const iteration of iterations.values()) {
        if (ended.has(iteration.streamId)) continue;
        // The newest iteration of a stream holds its unacknowledged batch (older ones were emptied when acknowledged).
        if (!iteration.answer) pending.unshift(...iteration.batch.splice(0));
      }
      for (let id = 1; id <= streams; id += 1) ended.add(id);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
