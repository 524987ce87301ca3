/** A collector as a bank would write one: start, follow Pull-Next until 204, optionally DELETE. */
import { checkAgainstDocument } from './openapi';

export interface PixMessage {
  endToEndId: string;
  valor: number;
  pagador: Record<string, string>;
  recebedor: Record<string, string>;
  campoLivre: string;
  txId: string;
  dataHoraPagamento: string;
}

export interface Reply {
  status: number;
  pullNext: string | null;
  contentType: string | null;
  messages: PixMessage[];
  body: unknown;
}

export async function get(baseUrl: string, path: string, accept?: string, method = 'GET'): Promise<Reply> {
  const res = await fetch(baseUrl + path, { method, headers: accept ? { accept } : {} });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  const problems = checkAgainstDocument({
    method,
    path,
    status: res.status,
    contentType: res.headers.get('content-type'),
    headers: Object.fromEntries(['pull-next', 'retry-after', 'location', 'allow'].map((name) => [name, res.headers.get(name)])),
    body,
  });
  if (problems.length > 0) throw new Error(`response does not match the OpenAPI document:\n${problems.join('\n')}`);
  const messages = res.status === 200 && body && 'endToEndId' in (Array.isArray(body) ? body[0] ?? {} : body)
    ? (Array.isArray(body) ? body : [body])
    : [];
  return { status: res.status, pullNext: res.headers.get('pull-next'), contentType: res.headers.get('content-type'), messages, body };
}

export interface DrainOptions {
  multipart?: boolean;
  /** Stop after this many consecutive 204s (each one a full long poll). */
  emptyPolls?: number;
  close?: boolean;
}

/** Drains the ISPB's stream; returns every message received, in order. */
export async function drain(baseUrl: string, ispb: string, options: DrainOptions = {}): Promise<PixMessage[]> {
  const accept = options.multipart ? 'multipart/json' : 'application/json';
  const received: PixMessage[] = [];
  let reply = await get(baseUrl, `/api/pix/${ispb}/stream/start`, accept);
  if (reply.status !== 200 && reply.status !== 204) throw new Error(`start answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  let empty = 0;
  for (;;) {
    received.push(...reply.messages);
    empty = reply.status === 204 ? empty + 1 : 0;
    if (empty >= (options.emptyPolls ?? 1)) break;
    reply = await get(baseUrl, reply.pullNext!, accept);
    if (reply.status !== 200 && reply.status !== 204) throw new Error(`pull-next answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  if (options.close ?? true) {
    const closed = await get(baseUrl, reply.pullNext!, accept, 'DELETE');
    if (closed.status !== 200) throw new Error(`DELETE answered ${closed.status}`);
  }
  return received;
}
