/**
 * What differs between pix-stream's two faces, as a client sees them: where a
 * stream starts, which header carries the next URI, what to Accept, and how
 * a 200's body becomes messages. Everything else (long poll, implicit
 * acknowledgement, replay, 429/503/410) is the same protocol on both.
 *
 * Bodies are read by their Content-Type, not by what we asked for: a
 * repeated URI replays its batch whole whatever the retry's Accept.
 */
import { parseMultipartMixed } from '../http/icom/multipart.js';
import type { HttpReply } from './http.js';

export type FaceName = 'challenge' | 'icom';

/** A message of the challenge face: the protocol's JSON object. */
export interface ChallengeMessage {
  endToEndId: string;
  valor?: number;
  pagador?: Record<string, unknown>;
  recebedor?: Record<string, unknown>;
  campoLivre?: string;
  txId?: string;
  dataHoraPagamento?: string;
  [field: string]: unknown;
}

/** A message of the ICOM face: its PI-ResourceId (stable across redeliveries) and the ISO 20022 XML. */
export interface IcomMessage {
  resourceId: string;
  xml: string;
}

export type MessageOf<F extends FaceName> = F extends 'icom' ? IcomMessage : ChallengeMessage;

/** A reply the client cannot go on from: a refused request, or a body that breaks the protocol. */
export class StreamError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

export interface Face<M> {
  readonly name: FaceName;
  readonly ispbPattern: RegExp;
  /** Lower-cased, as node:http gives response headers. */
  readonly pullNextHeader: string;
  startPath(ispb: string): string;
  accept(multipart: boolean): string;
  /** The messages of a 200 reply; throws StreamError when it is not what the face sends. */
  parse(reply: HttpReply): M[];
  /** The id a redelivery repeats: what duplicates are recognised by. */
  idOf(message: M): string;
}

export const challengeFace: Face<ChallengeMessage> = {
  name: 'challenge',
  ispbPattern: /^\d{8}$/,
  pullNextHeader: 'pull-next',
  startPath: (ispb) => `/api/pix/${ispb}/stream/start`,
  accept: (multipart) => (multipart ? 'multipart/json' : 'application/json'),
  idOf: (message) => message.endToEndId,
  parse(reply) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.body.toString('utf8'));
    } catch {
      throw new StreamError('a 200 reply whose body is not JSON', reply.status);
    }
    // One object (application/json) or an array (multipart/json, or any replayed batch).
    const list = Array.isArray(parsed) ? parsed : [parsed];
    if (list.length === 0 || list.some((item) => !item || typeof (item as ChallengeMessage).endToEndId !== 'string')) {
      throw new StreamError('a 200 reply with something other than PIX messages', reply.status);
    }
    return list as ChallengeMessage[];
  },
};

export const icomFace: Face<IcomMessage> = {
  name: 'icom',
  ispbPattern: /^[0-9A-Z]{8}$/,
  pullNextHeader: 'pi-pull-next',
  startPath: (ispb) => `/api/v1/out/${ispb}/stream/start`,
  accept: (multipart) => (multipart ? 'multipart/mixed' : 'application/xml'),
  idOf: (message) => message.resourceId,
  parse(reply) {
    const contentType = String(reply.headers['content-type'] ?? '');
    const type = mediaType(contentType);
    if (type === 'multipart/mixed') {
      let parts;
      try {
        parts = parseMultipartMixed(contentType, reply.body);
      } catch (err) {
        throw new StreamError(`a malformed multipart/mixed reply (${(err as Error).message})`, reply.status);
      }
      return parts.map((part, i) => xmlMessage(part.headers['pi-resourceid'], part.headers['content-type'] ?? '', part.body, `part ${i + 1}`));
    }
    return [xmlMessage(header(reply, 'pi-resourceid'), contentType, reply.body, 'the reply')];
  },
};

function xmlMessage(resourceId: string | undefined, contentType: string, body: Buffer, where: string): IcomMessage {
  const type = mediaType(contentType);
  if (type !== 'application/xml' && type !== 'text/xml') {
    throw new StreamError(`${where} is ${JSON.stringify(contentType || 'untyped')}, not application/xml`);
  }
  if (!resourceId) throw new StreamError(`${where} has no PI-ResourceId`);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
  let xml: string;
  try {
    // fatal: a byte that is not valid in the charset is refused, never silently replaced.
    xml = new TextDecoder(charset, { fatal: true }).decode(body);
  } catch (err) {
    throw new StreamError(`${where} cannot be read as ${charset} (${(err as Error).message})`);
  }
  return { resourceId, xml };
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

function header(reply: HttpReply, name: string): string | undefined {
  const value = reply.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The status and the `detail` (else `title`) of a problem+json or problem+xml body, else the body's start. */
export function describeReply(reply: HttpReply): string {
  const text = reply.body.toString('utf8');
  const type = mediaType(String(reply.headers['content-type'] ?? ''));
  let said: string | undefined;
  if (type.endsWith('json')) {
    try {
      const problem = JSON.parse(text) as { detail?: unknown; title?: unknown };
      said = [problem.detail, problem.title].find((v): v is string => typeof v === 'string');
    } catch {
      // not JSON after all: the body's start below
    }
  } else if (type.endsWith('xml')) {
    const member = /<(?:\w+:)?detail>([^<]*)</.exec(text) ?? /<(?:\w+:)?title>([^<]*)</.exec(text);
    if (member) said = unescapeXml(member[1]!);
  }
  said ??= text.trim().slice(0, 200);
  return said ? `${reply.status}: ${said}` : String(reply.status);
}

function unescapeXml(text: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return named[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
