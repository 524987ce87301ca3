/**
 * Reads an XML document into a namespace-aware element tree, with saxes (a
 * maintained, conformant, namespace-aware parser) doing the parsing: every
 * element is known by its local name and namespace URI, whatever prefix the
 * sender chose (`<Envelope xmlns="…">` and `<env:Envelope xmlns:env="…">` are
 * the same element). References are decoded by the parser; namespace
 * declarations are kept apart from the attributes, and every element knows
 * where it stands in the source (forward.ts splices by it).
 *
 * saxes builds this tree for a 1.7 KB pacs.008 in 33-37 µs, the fastest of
 * the namespace-aware parsers measured (docs/performance.md).
 *
 * Refused as malformed (XmlSyntaxError, with line and column): anything saxes
 * refuses (well-formedness, names, characters, undefined entities, an unbound
 * prefix, text outside the root). read.ts refuses DTDs and CDATA with their own
 * errors before calling this.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  /** Namespace URI; '' when the element is in no namespace. */
  ns: string;
  /** Attributes in no namespace by local name; namespaced ones as `{uri}local`. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (references decoded), its children's not included. */
  text: string;
  /** The prefix its name was written with ('' for none), and the namespaces its start tag declares, as written. */
  prefix: string;
  declarations: Record<string, string>;
  /** Where it stands in the source, in UTF-16 code units: its `<`, after its start tag, its end tag's `</`, after its end tag. */
  at: { start: number; contentStart: number; contentEnd: number; end: number };
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';

// Most elements have no attributes, and most no children: they share these (frozen) instead of new objects each, which GC felt.
const NONE: Record<string, string> = Object.freeze(Object.create(null));
const LEAF: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

function element(tag: SaxesTagNS, start: number, contentStart: number): XmlElement {
  const at = { start, contentStart, contentEnd: contentStart, end: contentStart };
  let any = false;
  for (const _ in tag.attributes) {
    any = true;
    break;
  }
  if (!any) return { name: tag.local, ns: tag.uri, attributes: NONE, children: LEAF, text: '', prefix: tag.prefix, declarations: NONE, at };
  const attributes: Record<string, string> = Object.create(null);
  const declarations: Record<string, string> = Object.create(null);
  for (const qname in tag.attributes) {
    const attribute = tag.attributes[qname]!;
    if (attribute.uri === XMLNS) declarations[qname] = attribute.value;
    else attributes[attribute.uri ? `{${attribute.uri}}${attribute.local}` : attribute.local] = attribute.value;
  }
  return { name: tag.local, ns: tag.uri, attributes, children: LEAF, text: '', prefix: tag.prefix, declarations, at };
}

/** The root element of `xml`. Throws XmlSyntaxError. */
export function readXmlTree(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let start = 0;
  // saxes reports where it is after each token: just past the name (opentagstart), past `>` or `/>`.
  parser.on('opentagstart', () => {
    start = xml.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag) => {
    const opened = element(tag, start, parser.position);
    const parent = stack[stack.length - 1];
    if (!parent) root = opened;
    else if (parent.children === LEAF) parent.children = [opened];
    else parent.children.push(opened);
    if (!tag.isSelfClosing) stack.push(opened);
  });
  parser.on('closetag', (tag) => {
    if (tag.isSelfClosing) return;
    const closed = stack.pop()!;
    closed.at.end = parser.position;
    closed.at.contentEnd = xml.lastIndexOf('</', parser.position - 1);
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    // saxes says "3:14: unexpected close tag."; the face shows "unexpected close tag (line 3, column 14)".
    const [, line, column, what] = /^(\d+):(\d+): (.*?)\.?$/s.exec((err as Error).message) ?? [];
    throw new XmlSyntaxError(what === undefined ? (err as Error).message : `${what} (line ${line}, column ${column})`);
  }
  if (!root) throw new XmlSyntaxError('no root element');
  return root;
}
