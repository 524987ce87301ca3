/**
 * An ICOM client as a bank writes one from the Central Bank's manual, knowing
 * nothing of pix-stream: GET .../stream/start, follow PI-Pull-Next, DELETE to
 * close; multipart/mixed split by a MIME parser of someone else's
 * (@mjackson/multipart-parser); gzip undone with zlib. It imports nothing
 * from src/.
 */
import { parseMultipart } from '@mjackson/multipart-parser';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface IcomMessage {
  resourceId: string;
  contentType: string;
  xml: string;
}

export interface IcomReply {
  status: number;
  pullNext: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  messages: IcomMessage[];
  /** The body as text (decompressed), for errors. */
  text: string;
  headers: Headers;
}

function parts(contentType: string, body: Buffer): IcomMessage[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw new Error(`multipart answer without a boundary: ${contentType}`);
  return [...parseMultipart(body, { boundary: boundary[1] ?? boundary[2]! })].map((part) => ({
    resourceId: part.headers.get('pi-resourceid') ?? '',
    contentType: part.headers.get('content-type') ?? '',
    xml: Buffer.from(part.bytes).toString('utf8'),
  }));
}

/** One request over node:http (fetch would undo gzip by itself: the test must see what went over the wire). */
function send(url: URL, method: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, String(value));
        resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function icomRequest(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<IcomReply> {
  const res = await send(new URL(path, baseUrl), method, headers);
  const contentEncoding = res.headers.get('content-encoding');
  const body = contentEncoding === 'gzip' ? gunzipSync(res.body) : res.body;
  const contentType = res.headers.get('content-type');
  let messages: IcomMessage[] = [];
  if (res.status === 200 && contentType?.startsWith('multipart/mixed')) messages = parts(contentType, body);
  else if (res.status === 200 && contentType?.startsWith('application/xml')) {
    messages = [{ resourceId: res.headers.get('pi-resourceid') ?? '', contentType, xml: body.toString('utf8') }];
  }
  return { status: res.status, pullNext: res.headers.get('pi-pull-next'), contentType, contentEncoding, messages, text: body.toString('utf8'), headers: res.headers };
}

export interface IcomDrainOptions {
  multipart?: boolean;
  gzip?: boolean;
  /** Consecutive 204s that end the drain. */
  emptyPolls?: number;
  /** Each answer's messages as they come: a drain that fails midway has had the earlier ones acknowledged by its later pulls. */
  onMessages?: (messages: IcomMessage[]) => void;
}

/** Drains a participant's stream: every message received, in order; closes with DELETE (200 or 410 both mean closed). */
export async function icomDrain(baseUrl: string, ispb: string, options: IcomDrainOptions = {}): Promise<IcomMessage[]> {
  const headers: Record<string, string> = { accept: options.multipart ? 'multipart/mixed' : 'application/xml' };
  if (options.gzip) headers['accept-encoding'] = 'gzip';
  const received: IcomMessage[] = [];
  let reply = await icomRequest(baseUrl, `/api/v1/out/${ispb}/stream/start`, headers);
  let empty = 0;
  for (;;) {
    if (reply.status !== 200 && reply.status !== 204) throw new Error(`ICOM answered ${reply.status}: ${reply.text}`);
    received.push(...reply.messages);
    options.onMessages?.(reply.messages);
    empty = reply.status === 204 ? empty + 1 : 0;
    if (empty >= (options.emptyPolls ?? 1)) break;
    reply = await icomRequest(baseUrl, reply.pullNext!, headers);
  }
  const closed = await icomRequest(baseUrl, reply.pullNext!, {}, 'DELETE');
  if (closed.status !== 200 && closed.status !== 410) throw new Error(`DELETE answered ${closed.status}`);
  return received;
}
