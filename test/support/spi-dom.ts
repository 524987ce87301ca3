/**
 * SPI messages as a namespace-aware parser we did not write (@xmldom/xmldom)
 * reads them: elements found by namespace URI and local name, whatever
 * prefix the document uses, so a check cannot pass on a prefix alone.
 */
import { DOMParser } from '@xmldom/xmldom';

export const SPI_ISPB = '00038166';

export function dom(xml: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: (m) => errors.push(m), fatalError: (m) => errors.push(m) } }).parseFromString(xml, 'text/xml');
  if (errors.length > 0) throw new Error(`not well-formed XML: ${errors.join('; ')}`);
  return doc;
}

/** Child elements of `parent` named `local` in `ns`. */
function children(parent: Element, ns: string, local: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local);
}

/** The single element at `path` (local names) below `from`, each step in `ns`; throws if absent or repeated. */
export function at(from: Element, ns: string, ...path: string[]): Element {
  let current = from;
  for (const local of path) {
    const found = children(current, ns, local);
    if (found.length !== 1) throw new Error(`${path.join('/')}: ${found.length} ${local} elements in ${ns}`);
    current = found[0]!;
  }
  return current;
}

export function has(from: Element, ns: string, ...path: string[]): boolean {
  try {
    at(from, ns, ...path);
    return true;
  } catch {
    return false;
  }
}

export function textAt(from: Element, ns: string, ...path: string[]): string {
  return at(from, ns, ...path).textContent ?? '';
}

export interface SpiView {
  ns: string;
  envelope: Element;
  header: { from: string; to: string; bizMsgIdr: string; msgDefIdr: string; createdAt: string };
  /** The element under Document (FIToFICstmrCdtTrf, FIToFIPmtStsRpt, …). */
  body: Element;
}

export function spiView(xml: string): SpiView {
  const envelope = dom(xml).documentElement!;
  if (envelope.localName !== 'Envelope') throw new Error(`root is ${envelope.localName}`);
  const ns = envelope.namespaceURI ?? '';
  const party = (role: string) => textAt(envelope, ns, 'AppHdr', role, 'FIId', 'FinInstnId', 'Othr', 'Id');
  const body = Array.from(at(envelope, ns, 'Document').childNodes).find((n): n is Element => n.nodeType === 1)!;
  return {
    ns,
    envelope,
    header: {
      from: party('Fr'),
      to: party('To'),
      bizMsgIdr: textAt(envelope, ns, 'AppHdr', 'BizMsgIdr'),
      msgDefIdr: textAt(envelope, ns, 'AppHdr', 'MsgDefIdr'),
      createdAt: textAt(envelope, ns, 'AppHdr', 'CreDt'),
    },
    body,
  };
}

/**
 * The Document's elements as [path, text] pairs in document order (leaves
 * only, by local name), leaving out GrpHdr's MsgId and CreDtTm, which the SPI
 * sets when it hands a message on: equal lists mean the same Document.
 */
export function documentLeaves(view: SpiView): [string, string][] {
  const leaves: [string, string][] = [];
  const walk = (element: Element, path: string) => {
    const kids = Array.from(element.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === view.ns);
    const attrs = Array.from(element.attributes).filter((a) => !a.name.startsWith('xmlns')).map((a) => `@${a.localName}=${a.value}`);
    if (kids.length === 0) leaves.push([`${path}${attrs.length ? `[${attrs.join(',')}]` : ''}`, element.textContent ?? '']);
    for (const kid of kids) walk(kid, `${path}/${kid.localName}`);
  };
  walk(view.body, view.body.localName!);
  return leaves.filter(([path]) => !/^\w+\/GrpHdr\/(MsgId|CreDtTm)$/.test(path));
}
