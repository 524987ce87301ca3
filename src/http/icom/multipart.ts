/**
 * multipart/mixed (RFC 2046 §5.1) for the ICOM face, which batches up to 10
 * XML messages per response or inbound post, each part with its own
 * Content-Type and PI-ResourceId headers.
 *
 * Writing: CRLF line ends; a delimiter is CRLF "--" boundary, the first one
 * without the CRLF, the last one followed by "--". The boundary is random
 * (24 random bytes, base64url: 32 characters, all RFC 2046 bchars and HTTP
 * token characters, so the Content-Type needs no quotes) and is checked
 * against every body anyway, because "the boundary must not appear in the
 * encapsulated parts" is the one rule a writer owns. A caller's boundary is
 * validated and checked the same way. Header values with CR or LF are
 * refused: they would smuggle headers into a part.
 *
 * Reading: preamble and epilogue ignored; transport padding (spaces and
 * tabs) after a boundary allowed; a "--boundary" followed by anything else is
 * content, not a delimiter; folded header lines unfolded; header names
 * lower-cased, repeated headers joined with ", ". Line ends must be CRLF, as
 * the RFC and ICOM's manual say. Part bodies are views into the input buffer
 * (no copy). Malformed input raises MultipartError naming the problem.
 */
import { randomBytes } from 'node:crypto';

export type MultipartProblem = 'content-type' | 'boundary' | 'collision' | 'header' | 'no-parts' | 'unterminated';

export class MultipartError extends Error {
  constructor(readonly code: MultipartProblem, detail: string) {
    super(detail);
    this.name = 'MultipartError';
  }
}

export interface OutgoingPart {
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface MultipartPart {
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

// RFC 2046 §5.1.1: 1 to 70 bchars, the last not a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
// RFC 9110 §5.6.2.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// One `; name=value` (value a token or quoted string); an empty `;` is allowed (RFC 9110 §5.6.6).
const PARAM = /\s*;\s*(?:([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+\-.^_`|~0-9A-Za-z]+)))?\s*/y;
const CRLF = Buffer.from('\r\n');

function headerBlock(headers: Record<string, string>): string {
  let block = '';
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new MultipartError('header', `header name ${JSON.stringify(name)} is not a token`);
    if (/[\r\n\0]/.test(value)) throw new MultipartError('header', `header ${name} holds CR, LF or NUL`);
    block += `${name}: ${value}\r\n`;
  }
  return block;
}

/** One body of `parts`, with the Content-Type that names its boundary. */
export function renderMultipartMixed(parts: readonly OutgoingPart[], boundary?: string): { contentType: string; body: Buffer } {
  // RFC 2046's grammar requires at least one body part.
  if (parts.length === 0) throw new MultipartError('no-parts', 'a multipart body needs at least one part');
  const bodies = parts.map((part) => (typeof part.body === 'string' ? Buffer.from(part.body, 'utf8') : part.body));
  const heads = parts.map((part) => headerBlock(part.headers));
  const collides = (b: string) => bodies.some((body) => body.includes(`--${b}`));
  if (boundary !== undefined) {
    if (!BOUNDARY.test(boundary)) throw new MultipartError('boundary', `boundary ${JSON.stringify(boundary)} is not 1-70 RFC 2046 characters`);
    if (collides(boundary)) throw new MultipartError('collision', 'the boundary occurs in a part body');
  } else {
    // 192 random bits make a body that holds the boundary by chance
    // unthinkable; the scan (one per body) makes it impossible.
    do boundary = randomBytes(24).toString('base64url');
    while (collides(boundary));
  }
  const chunks: Buffer[] = [];
  bodies.forEach((body, i) => {
    chunks.push(Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\n${heads[i]}\r\n`, 'utf8'), body);
  });
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
  const param = TOKEN.test(boundary) ? boundary : `"${boundary}"`;
  return { contentType: `multipart/mixed; boundary=${param}`, body: Buffer.concat(chunks) };
}

function boundaryOf(contentType: string): string {
  const type = /^\s*multipart\/mixed(?=\s*;|\s*$)/i.exec(contentType);
  if (!type) throw new MultipartError('content-type', `${JSON.stringify(contentType)} is not multipart/mixed`);
  let boundary: string | undefined;
  for (let at = type[0].length; at < contentType.length; at = PARAM.lastIndex) {
    PARAM.lastIndex = at;
    const param = PARAM.exec(contentType);
    if (!param) {
      if (contentType.slice(at).trim() === '') break;
      throw new MultipartError('content-type', `malformed parameters in ${JSON.stringify(contentType)}`);
    }
    if (param[1]?.toLowerCase() === 'boundary') boundary = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
  }
  if (boundary === undefined) throw new MultipartError('boundary', 'Content-Type has no boundary parameter');
  if (!BOUNDARY.test(boundary)) throw new MultipartError('boundary', `boundary ${JSON.stringify(boundary)} is not 1-70 RFC 2046 characters`);
  return boundary;
}

interface Delimiter {
  /** Where the content before it ends (the CRLF in front belongs to the delimiter). */
  contentEnd: number;
  close: boolean;
  /** First byte after the delimiter line. */
  next: number;
}

/** The next real delimiter line at or after `from`; a "--boundary" followed by other bytes is content. */
function findDelimiter(body: Buffer, dashBoundary: Buffer, from: number): Delimiter | null {
  const delimiter = Buffer.concat([CRLF, dashBoundary]);
  // Index of the "--" of the next CRLF "--boundary" from `start`, or -1.
  const locate = (start: number) => {
    const found = body.indexOf(delimiter, start);
    return found === -1 ? -1 : found + 2;
  };
  let at = from === 0 && body.subarray(0, dashBoundary.length).equals(dashBoundary) ? 0 : locate(from);
  while (at !== -1) {
    let i = at + dashBoundary.length;
    const close = body[i] === 0x2d && body[i + 1] === 0x2d;
    if (close) i += 2;
    while (body[i] === 0x20 || body[i] === 0x09) i++; // transport padding
    // A delimiter line ends there: with CRLF, or (the close one) with the body.
    if ((body[i] === 0x0d && body[i + 1] === 0x0a) || (close && i === body.length)) {
      return { contentEnd: at === 0 ? 0 : at - 2, close, next: i + 2 };
    }
    at = locate(at);
  }
  return null;
}

function parsePart(content: Buffer): MultipartPart {
  const split = content.subarray(0, 2).equals(CRLF) ? 0 : content.indexOf('\r\n\r\n');
  // No blank line: the part is headers only (its last CRLF went to the delimiter).
  const headEnd = split === -1 ? content.length : split;
  const body = split === -1 ? content.subarray(content.length) : content.subarray(split === 0 ? 2 : split + 4);
  // No prototype: a part may name a header "__proto__" or "constructor".
  const headers: Record<string, string> = Object.create(null);
  const lines = content.subarray(0, headEnd).toString('utf8').split('\r\n').filter((line, i, all) => line !== '' || i < all.length - 1);
  const unfolded: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (unfolded.length === 0) throw new MultipartError('header', 'a part starts with a continuation line');
      unfolded[unfolded.length - 1] += line;
    } else unfolded.push(line);
  }
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    if (!TOKEN.test(name)) throw new MultipartError('header', `malformed part header ${JSON.stringify(line.slice(0, 80))}`);
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value;
  }
  return { headers, body };
}

/** The parts of a multipart/mixed body whose Content-Type is `contentType`. */
export function parseMultipartMixed(contentType: string, body: Buffer): MultipartPart[] {
  const dashBoundary = Buffer.from(`--${boundaryOf(contentType)}`, 'latin1');
  const first = findDelimiter(body, dashBoundary, 0);
  if (!first) throw new MultipartError('unterminated', 'the body holds no boundary line');
  if (first.close) throw new MultipartError('no-parts', 'the body closes before its first part');
  const parts: MultipartPart[] = [];
  for (let start = first.next; ; ) {
    // Search from the CRLF that ended the previous delimiter line, so that an
    // empty part ("--b" CRLF "--b") is still seen.
    const next = findDelimiter(body, dashBoundary, start - 2);
    if (!next) throw new MultipartError('unterminated', 'the body ends without a closing boundary');
    parts.push(parsePart(body.subarray(start, Math.max(start, next.contentEnd))));
    if (next.close) return parts;
    start = next.next;
  }
}
