/** The client library's pieces without a database: waits, the dedupe window, the HTTP exchange, iterator edges. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { DedupeWindow, openStream } from '../../src/client';
import { request } from '../../src/client/http';
import { backoffDelay, retryAfterMs } from '../../src/client/retry';

describe('waits', () => {
  it('reads Retry-After as seconds or an HTTP date, caps it at 5 minutes, and ignores nonsense', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '86400' })).toBe(300_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs({ 'retry-after': inTenSeconds })).toBeGreaterThan(8000);
    expect(retryAfterMs({ 'retry-after': new Date(0).toUTCString() })).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeNull();
    expect(retryAfterMs({})).toBeNull();
  });

  it('backs off doubling from initialMs to maxMs, within ±20 %', () => {
    for (let failures = 1; failures <= 12; failures += 1) {
      const base = Math.min(10_000, 250 * 2 ** (failures - 1));
      const delay = backoffDelay(failures);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
    expect(backoffDelay(30, { initialMs: 10, maxMs: 100 })).toBeLessThanOrEqual(120);
  });
});

it('a dedupe window forgets its oldest id when full', () => {
  const window = new DedupeWindow(2);
  window.add('a');
  window.add('b');
  window.add('a'); // already there: no change of order
  window.add('c');
  expect([window.has('a'), window.has('b'), window.has('c'), window.count]).toEqual([false, true, true, 2]);
  expect(() => new DedupeWindow(0)).toThrow(RangeError);
});

describe('one exchange', () => {
  let server: http.Server;
  let url: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('decompresses gzip, and refuses a body that inflates beyond the limit', async () => {
    const big = Buffer.alloc(1_000_000, 'a');
    handler = (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(big));
    expect((await request(new URL(url))).body.equals(big)).toBe(true);
    await expect(request(new URL(url), { maxBodyBytes: 100_000 })).rejects.toThrow();
  });

  it('refuses a Content-Encoding it did not ask for', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end('x');
    await expect(request(new URL(url))).rejects.toThrow(/unsupported Content-Encoding "br"/);
  });

  it('times out a body that stalls, not only a reply that never starts', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-length': '10' }).write('12345');
    await expect(request(new URL(url), { timeoutMs: 200 })).rejects.toThrow();
  });

  it('a stream whose signal is already aborted ends without a request', async () => {
    let requests = 0;
    handler = (_req, res) => {
      requests += 1;
      res.writeHead(500).end();
    };
    const stream = openStream({ baseUrl: url, ispb: '12345678', face: 'challenge', signal: AbortSignal.abort() });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(await stream.close()).toBe('none');
    expect(requests).toBe(0);
  });

  it('refuses a second next() before the first settles', async () => {
    handler = (_req, res) => setTimeout(() => res.writeHead(204, { 'pull-next': '/p/1' }).end(), 50);
    const stream = openStream({ baseUrl: url, ispb: '12345678', face: 'challenge' });
    const first = stream.next();
    await expect(stream.next()).rejects.toThrow(/before the previous next\(\) settled/);
    expect(await first).toMatchObject({ done: false, value: { status: 204, messages: [], pullNext: '/p/1' } });
    handler = (_req, res) => res.writeHead(200).end();
    expect(await stream.close()).toBe('closed');
  });
});
