/**
 * The reading toolkit every SPI message reader shares: a safe parse and
 * small accessors that name the XML path of whatever they refuse.
 *
 * Refused before parsing (input is hostile until proven otherwise):
 * - any `<!` other than a comment: DOCTYPE, ENTITY (XML bombs, external
 *   entities) and CDATA (whose text must not be unescaped) never reach the
 *   parser, so nothing can expand;
 * - characters XML 1.0 forbids.
 * Then one strict pass (xml-tree.ts) for well-formedness and the tree (no
 * entity processing: text is decoded by our own unescapeText), and exactly
 * one root element.
 * Readers built on this are tolerant of unknown elements (a real signature in
 * Sgntr, say) but strict about the ones they return: present once, and
 * matching their rule.
 */
import { assertXmlChars, unescapeText, XmlCharError } from './xml.js';
import { readXmlTree, XmlSyntaxError } from './xml-tree.js';

export type Iso20022Problem = 'forbidden-dtd' | 'forbidden-cdata' | 'malformed' | 'wrong-message' | 'missing' | 'repeated' | 'invalid';

export class Iso20022ReadError extends Error {
  constructor(
    readonly problem: Iso20022Problem,
    /** Slash path of the element, e.g. Envelope/Document/PmtRtr/TxInf/RtrId; undefined when the document as a whole is refused. */
    readonly field: string | undefined,
    /** The message without the field prefix. */
    readonly detail: string,
  ) {
    super(field === undefined ? detail : `${field}: ${detail}`);
    this.name = 'Iso20022ReadError';
  }
}

/** The AppHdr of an SPI Envelope, as read. */
export interface EnvelopeHeader {
  bizMsgIdr: string;
  from: string;
  to: string;
  msgDefIdr: string;
  createdAt: string;
}

export type Node = Record<string, unknown>;

export const ISPB = /^[0-9A-Z]{8}$/;
/** The catalogue's MsgId/BizMsgIdr pattern. */
export const BIZ_MSG_IDR = /^M[0-9A-Z]{8}[a-zA-Z0-9]{23}$/;
/** UTC with milliseconds, the only form the SPI's XSDs allow. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Whole cents, at most what numeric(12,2) holds: more would not read back as the same number. */
const AMOUNT = /^[0-9]{1,10}\.[0-9]{2}$/;

export const sub = (path: string, name: string) => (path ? `${path}/${name}` : name);

export function child(node: Node, name: string, path: string): Node | string {
  const value = node[name];
  if (value === undefined) throw new Iso20022ReadError('missing', sub(path, name), 'element is missing');
  if (Array.isArray(value)) throw new Iso20022ReadError('repeated', sub(path, name), 'element appears more than once');
  return value as Node | string;
}

/** The element at `names` below `node` (found at `path`), which must hold elements. */
export function el(node: Node, path: string, ...names: string[]): Node {
  let current: Node | string = node;
  for (const name of names) {
    if (typeof current !== 'object') throw new Iso20022ReadError('invalid', path, 'expected child elements, found text');
    current = child(current, name, path);
    path = sub(path, name);
  }
  if (typeof current !== 'object') throw new Iso20022ReadError('invalid', path, 'expected child elements, found text');
  return current;
}

/** Decoded text of the leaf at `names` below `node`, checked against `rule` when given. */
export function text(node: Node, path: string, names: readonly string[], rule?: RegExp): string {
  const parents = names.slice(0, -1);
  const leaf = names[names.length - 1]!;
  const parentPath = parents.reduce(sub, path);
  const at = sub(parentPath, leaf);
  const value = child(el(node, path, ...parents), leaf, parentPath);
  let raw: unknown = value;
  if (typeof value === 'object') {
    if (!Object.keys(value).every((k) => k === '#text' || k.startsWith('@_'))) {
      throw new Iso20022ReadError('invalid', at, 'expected text, found child elements');
    }
    raw = value['#text'] ?? '';
  }
  let decoded: string;
  try {
    decoded = unescapeText(String(raw));
  } catch (err) {
    throw new Iso20022ReadError('malformed', at, (err as Error).message);
  }
  if (rule && !rule.test(decoded)) {
    throw new Iso20022ReadError('invalid', at, `${JSON.stringify(decoded.slice(0, 60))} does not match ${rule.source}`);
  }
  return decoded;
}

export function dateTime(node: Node, path: string, names: string[]): string {
  const value = text(node, path, names, DATE_TIME);
  if (new Date(value).toISOString() !== value) {
    throw new Iso20022ReadError('invalid', names.reduce(sub, path), `${value} is not a real instant`);
  }
  return value;
}

/** A positive BRL amount in whole cents, e.g. <IntrBkSttlmAmt Ccy="BRL">10.50</IntrBkSttlmAmt>. */
export function amountBRL(node: Node, path: string, name: string): number {
  const element = child(node, name, path);
  if (typeof element !== 'object' || element['@_Ccy'] !== 'BRL') throw new Iso20022ReadError('invalid', `${sub(path, name)}/@Ccy`, 'currency must be BRL');
  const amount = Number(text(node, path, [name], AMOUNT));
  if (!(amount > 0)) throw new Iso20022ReadError('invalid', sub(path, name), 'amount must be positive');
  return amount;
}

/** Fr, To, BizMsgIdr and CreDt of `env`; the caller has already checked MsgDefIdr, which is passed through. */
export function readAppHdr(env: Node, msgDefIdr: string): EnvelopeHeader {
  const E = 'Envelope';
  const H = 'AppHdr';
  return {
    bizMsgIdr: text(env, E, [H, 'BizMsgIdr'], BIZ_MSG_IDR),
    from: text(env, E, [H, 'Fr', 'FIId', 'FinInstnId', 'Othr', 'Id'], ISPB),
    to: text(env, E, [H, 'To', 'FIId', 'FinInstnId', 'Othr', 'Id'], ISPB),
    msgDefIdr,
    createdAt: dateTime(env, E, [H, 'CreDt']),
  };
}

/** Checks and parses one document whose single root must be `root`; returns that root element. */
export function parse(xml: string, root = 'Envelope'): Node {
  for (let at = xml.indexOf('<!'); at !== -1; at = xml.indexOf('<!', at + 2)) {
    if (xml.startsWith('<!--', at)) continue;
    if (xml.startsWith('<![CDATA[', at)) throw new Iso20022ReadError('forbidden-cdata', undefined, 'CDATA sections are not accepted');
    throw new Iso20022ReadError('forbidden-dtd', undefined, 'DOCTYPE and entity declarations are not accepted');
  }
  try {
    assertXmlChars(xml);
  } catch (err) {
    if (err instanceof XmlCharError) throw new Iso20022ReadError('malformed', undefined, err.message);
    throw err;
  }
  let doc: Node;
  try {
    doc = readXmlTree(xml);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new Iso20022ReadError('malformed', undefined, err.message);
    throw err;
  }
  const roots = Object.keys(doc); // readXmlTree refuses text outside the root and keeps none there
  if (roots.length !== 1 || roots[0] !== root || Array.isArray(doc[root])) {
    throw new Iso20022ReadError('wrong-message', undefined, `expected one ${root} root element, found ${roots.join(', ') || 'none'}`);
  }
  return el(doc, '', root);
}
