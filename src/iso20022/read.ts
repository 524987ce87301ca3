/**
 * The reading toolkit every SPI message reader shares: a safe parse and
 * small accessors that name the XML path of whatever they refuse.
 *
 * Refused before parsing (input is hostile until proven otherwise):
 * - any `<!` other than a comment: DOCTYPE, ENTITY (XML bombs, external
 *   entities) and CDATA never reach the parser, so nothing can expand;
 * - characters XML 1.0 forbids.
 * Then saxes (xml-tree.ts) for well-formedness, namespaces and the tree.
 *
 * Namespaces, not prefixes: an SPI message has one target namespace (its
 * XSD's, elementFormDefault qualified), so every element of the Envelope must
 * be in the Envelope's namespace, whatever prefix carries it. An accessor
 * looks for a child of that local name in its parent's namespace; one of the
 * right name in another namespace is refused, naming both. Elements of other
 * names in other namespaces (the XMLDSig Signature in Sgntr) are not read.
 * Readers built on this are tolerant of unknown elements but strict about
 * the ones they return: present once, and matching their rule.
 */
import { assertXmlChars, XmlCharError } from './xml.js';
import { readXmlTree, XmlSyntaxError, type XmlElement } from './xml-tree.js';

export type { XmlElement } from './xml-tree.js';

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

export type Node = XmlElement;

export const ISPB = /^[0-9A-Z]{8}$/;
/** The catalogue's MsgId/BizMsgIdr pattern. */
export const BIZ_MSG_IDR = /^M[0-9A-Z]{8}[a-zA-Z0-9]{23}$/;
/** UTC with milliseconds, the only form the SPI's XSDs allow. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Whole cents, at most what numeric(12,2) holds: more would not read back as the same number. */
const AMOUNT = /^[0-9]{1,10}\.[0-9]{2}$/;

export const sub = (path: string, name: string) => (path ? `${path}/${name}` : name);

/**
 * The one child of `node` named `names[i]` in its namespace, undefined if
 * none; one of that name in another namespace, or two, are refused. The
 * error's path, `path` and `names` up to `i`, is only put together for an
 * error: a pacs.008 takes some 40 lookups, nearly all found.
 */
function find(node: Node, path: string, names: readonly string[], i: number): Node | undefined {
  const name = names[i]!;
  let found: Node | undefined;
  for (const element of node.children) {
    if (element.name !== name) continue;
    if (element.ns !== node.ns) {
      const where = element.ns === '' ? 'no namespace' : `the namespace ${element.ns}`;
      throw new Iso20022ReadError('wrong-message', pathTo(path, names, i), `is in ${where}; it must be in its parent's, ${node.ns || 'none'}`);
    }
    if (found) throw new Iso20022ReadError('repeated', pathTo(path, names, i), 'element appears more than once');
    found = element;
  }
  return found;
}

function pathTo(path: string, names: readonly string[], i: number): string {
  return names.slice(0, i + 1).reduce(sub, path);
}

/** Whether `node` (found at `path`) has a child `name` in its namespace. */
export function has(node: Node, name: string, path = ''): boolean {
  return find(node, path, [name], 0) !== undefined;
}

export function child(node: Node, name: string, path: string): Node {
  return descend(node, path, [name]);
}

/** The element at `names` below `node` (found at `path`). */
export function el(node: Node, path: string, ...names: string[]): Node {
  return descend(node, path, names);
}

function descend(node: Node, path: string, names: readonly string[]): Node {
  let current = node;
  for (let i = 0; i < names.length; i++) {
    const found = find(current, path, names, i);
    if (!found) throw new Iso20022ReadError('missing', pathTo(path, names, i), 'element is missing');
    current = found;
  }
  return current;
}

/** Text of the leaf at `names` below `node`, checked against `rule` when given. */
export function text(node: Node, path: string, names: readonly string[], rule?: RegExp): string {
  const leaf = descend(node, path, names);
  if (leaf.children.length > 0) throw new Iso20022ReadError('invalid', names.reduce(sub, path), 'expected text, found child elements');
  if (rule && !rule.test(leaf.text)) {
    throw new Iso20022ReadError('invalid', names.reduce(sub, path), `${JSON.stringify(leaf.text.slice(0, 60))} does not match ${rule.source}`);
  }
  return leaf.text;
}

/** Text of the leaf at `names` when its first element is there, else null. */
export function optionalText(node: Node, path: string, names: readonly string[], rule?: RegExp): string | null {
  return has(node, names[0]!, path) ? text(node, path, names, rule) : null;
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
  if (child(node, name, path).attributes.Ccy !== 'BRL') throw new Iso20022ReadError('invalid', `${sub(path, name)}/@Ccy`, 'currency must be BRL');
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

/** Checks and parses one document whose root must be `root` (by local name); returns the root element. */
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
  let top: Node;
  try {
    top = readXmlTree(xml);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new Iso20022ReadError('malformed', undefined, err.message);
    throw err;
  }
  if (top.name !== root) throw new Iso20022ReadError('wrong-message', undefined, `expected one ${root} root element, found ${top.name}`);
  return top;
}
