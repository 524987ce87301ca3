/**
 * A strict, one-pass reader of XML documents into the tree read.ts walks:
 * an element with neither attributes nor child elements is its text; any
 * other is an object with its attributes under `@_name` (raw, as written),
 * its child elements by name (an array when a name repeats) and its text
 * under `#text`. Comments, processing instructions and the XML declaration
 * are skipped. The top level is read the same way, so a second root
 * element is an array for the caller to refuse.
 *
 * Why our own: fast-xml-parser's validator and then its parser took 209 µs
 * of the API's CPU per 1.7 KB pacs.008 (2-core AMD EPYC, Node 20), the
 * largest part of an ICOM inbound POST; this pass takes 33 µs, and the
 * bench's inbound step went from 1,398 to 2,768 messages/s (README,
 * Performance). test/unit/xml-tree.test.ts holds it to the library's tree.
 *
 * Refused as malformed: an unclosed, mismatched or stray end tag, a bad name,
 * an attribute not quoted or repeated or holding `<`, `]]>` in text, text
 * outside the root element, a declaration other than at the very start, and
 * any `<!` other than a comment. read.ts refuses DTDs and CDATA with their
 * own errors before calling this, and decodes references in the text it
 * reads (so a bad one is reported with its element's path).
 */
export class XmlSyntaxError extends Error {
  constructor(message: string, xml: string, at: number) {
    const before = xml.slice(0, at).split('\n');
    super(`${message} (line ${before.length}, column ${before[before.length - 1]!.length + 1})`);
    this.name = 'XmlSyntaxError';
  }
}

export type XmlNode = Record<string, unknown>;

const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME = new RegExp(`[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*`, 'y');
/** `name="value"` or `name='value'`, after the whitespace that must precede it. */
const ATTRIBUTE = new RegExp(`[ \\t\\r\\n]+(${NAME.source})[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^"<]*)"|'([^'<]*)')`, 'y');
const SPACE = /[ \t\r\n]*/y;

interface Open {
  name: string;
  at: number;
  node: XmlNode;
  attributes: boolean;
  children: boolean;
  text: string;
}

function newElement(name: string, at: number): Open {
  return { name, at, node: Object.create(null) as XmlNode, attributes: false, children: false, text: '' };
}

/** What an element is once closed: its text alone, or its object. */
function valueOf(element: Open): unknown {
  if (!element.attributes && !element.children) return element.text;
  if (element.text !== '') element.node['#text'] = element.text;
  return element.node;
}

function addChild(parent: Open, name: string, value: unknown): void {
  parent.children = true;
  const existing = parent.node[name];
  if (existing === undefined) parent.node[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent.node[name] = [existing, value];
}

function match(pattern: RegExp, xml: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(xml);
}

/** The document's top level: `{ Envelope: {...} }`. Throws XmlSyntaxError. */
export function readXmlTree(xml: string): XmlNode {
  const top = newElement('', 0);
  const stack: Open[] = [top];
  let at = 0;
  while (at < xml.length) {
    const current = stack[stack.length - 1]!;
    const lt = xml.indexOf('<', at);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > at) {
      const text = xml.slice(at, textEnd);
      if (text.includes(']]>')) throw new XmlSyntaxError("']]>' is not allowed in text", xml, at + text.indexOf(']]>'));
      if (current !== top) current.text += text;
      else if (text.trim() !== '') throw new XmlSyntaxError('text outside the root element', xml, at);
      at = textEnd;
      continue;
    }
    if (xml.startsWith('<!--', at)) {
      const end = xml.indexOf('-->', at + 4);
      if (end === -1) throw new XmlSyntaxError('unclosed comment', xml, at);
      at = end + 3;
    } else if (xml.startsWith('<?', at)) {
      const end = xml.indexOf('?>', at + 2);
      if (end === -1) throw new XmlSyntaxError('unclosed processing instruction', xml, at);
      if (at !== 0 && /^<\?xml[ \t\r\n?]/i.test(xml.slice(at, at + 6))) throw new XmlSyntaxError('an XML declaration is allowed only at the start', xml, at);
      at = end + 2;
    } else if (xml.startsWith('<!', at)) {
      throw new XmlSyntaxError("'<!' other than a comment", xml, at);
    } else if (xml.startsWith('</', at)) {
      const name = match(NAME, xml, at + 2)?.[0];
      const end = name === undefined ? -1 : at + 2 + name.length + match(SPACE, xml, at + 2 + name.length)![0].length;
      if (name === undefined || xml[end] !== '>') throw new XmlSyntaxError('malformed end tag', xml, at);
      if (current === top || name !== current.name) throw new XmlSyntaxError(`end tag </${name}> does not close ${current === top ? 'any element' : `<${current.name}>`}`, xml, at);
      stack.pop();
      addChild(stack[stack.length - 1]!, name, valueOf(current));
      at = end + 1;
    } else {
      at = readStartTag(xml, at, stack);
    }
  }
  if (stack.length > 1) throw new XmlSyntaxError(`unclosed element <${stack[stack.length - 1]!.name}>`, xml, stack[stack.length - 1]!.at);
  if (!top.children) throw new XmlSyntaxError('no root element', xml, 0);
  return top.node;
}

/** Reads `<name attr="v" ...>` or `.../>` at `at`; returns where the tag ends. */
function readStartTag(xml: string, at: number, stack: Open[]): number {
  const name = match(NAME, xml, at + 1)?.[0];
  if (name === undefined) throw new XmlSyntaxError("'<' that starts no tag", xml, at);
  const element = newElement(name, at);
  let cursor = at + 1 + name.length;
  for (let attribute = match(ATTRIBUTE, xml, cursor); attribute; attribute = match(ATTRIBUTE, xml, cursor)) {
    const key = `@_${attribute[1]}`;
    if (element.node[key] !== undefined) throw new XmlSyntaxError(`attribute ${attribute[1]} is repeated`, xml, attribute.index);
    element.node[key] = attribute[2] ?? attribute[3];
    element.attributes = true;
    cursor = attribute.index + attribute[0].length;
  }
  cursor += match(SPACE, xml, cursor)![0].length;
  if (xml.startsWith('/>', cursor)) {
    addChild(stack[stack.length - 1]!, name, valueOf(element));
    return cursor + 2;
  }
  if (xml[cursor] !== '>') throw new XmlSyntaxError(`malformed start tag <${name}>`, xml, at);
  stack.push(element);
  return cursor + 1;
}
