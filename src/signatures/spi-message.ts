/**
 * Reads an SPI message into the parts a signature is about: the Envelope,
 * its AppHdr (with Fr and Sgntr) and its Document, whatever prefix or
 * default namespace the message uses. SPI elements are matched by local name
 * within the Envelope's namespace; XMLDSig elements by their own namespace.
 *
 * Parsing is @xmldom/xmldom 0.8 (xml-crypto's own DOM), with its errors
 * collected instead of thrown. A DOCTYPE is refused outright: an SPI message
 * has none, and entity declarations are how XML bombs get in.
 */
import { DOMParser } from '@xmldom/xmldom';
import { XMLDSIG_NS } from './algorithms.js';

const ELEMENT_NODE = 1;

export interface SpiMessageParts {
  doc: Document;
  envelope: Element;
  appHdr: Element;
  document: Element;
  /** AppHdr/Sgntr, null when the AppHdr has none. */
  sgntr: Element | null;
  /** AppHdr/Fr/FIId/FinInstnId/Othr/Id, null when absent. */
  fromIspb: string | null;
}

export type ParseOutcome =
  | { ok: true; doc: Document }
  | { ok: false; code: 'xml-malformed' | 'doctype-refused'; detail: string };

export function parseXml(xml: string): ParseOutcome {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, code: 'doctype-refused', detail: 'the message has a DOCTYPE declaration' };
  const errors: string[] = [];
  const record = (message: string) => errors.push(message.trim());
  let doc: Document;
  try {
    doc = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(xml, 'text/xml');
  } catch (error) {
    // xmldom throws on some fatal errors instead of reporting them.
    return { ok: false, code: 'xml-malformed', detail: error instanceof Error ? error.message : String(error) };
  }
  if (errors.length > 0 || doc.documentElement === null) {
    return { ok: false, code: 'xml-malformed', detail: errors[0] ?? 'no root element' };
  }
  return { ok: true, doc };
}

/** Element children of `parent`, optionally only those with local name `local` (and namespace `ns`). */
export function childElements(parent: Node, local?: string, ns?: string | null): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType !== ELEMENT_NODE) continue;
    const el = n as Element;
    if (local !== undefined && el.localName !== local) continue;
    if (ns !== undefined && (el.namespaceURI ?? null) !== ns) continue;
    out.push(el);
  }
  return out;
}

/** The XMLDSig children of `parent` named `local`. */
export function dsChildren(parent: Node, local: string): Element[] {
  return childElements(parent, local, XMLDSIG_NS);
}

/** The trimmed text of an element (all its text descendants). */
export function textOf(el: Element): string {
  return (el.textContent ?? '').trim();
}

/** Follows one child per step (local names, in the namespace of `from`); null as soon as a step is absent or repeated. */
export function pathOf(from: Element, ...steps: string[]): Element | null {
  let current: Element = from;
  for (const step of steps) {
    const next = childElements(current, step, from.namespaceURI ?? null);
    if (next.length !== 1) return null;
    current = next[0]!;
  }
  return current;
}

/** Every ds:Signature element in the document, wherever it is. */
export function allSignatures(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature'));
}

export type PartsOutcome = { ok: true; parts: SpiMessageParts } | { ok: false; detail: string };

/** Finds Envelope/AppHdr and Envelope/Document (one each, in the Envelope's namespace). */
export function locateParts(doc: Document): PartsOutcome {
  const envelope = doc.documentElement!;
  if (envelope.localName !== 'Envelope') return { ok: false, detail: `the root element is ${envelope.nodeName}, not Envelope` };
  const ns = envelope.namespaceURI ?? null;
  const appHdrs = childElements(envelope, 'AppHdr', ns);
  const documents = childElements(envelope, 'Document', ns);
  if (appHdrs.length !== 1) return { ok: false, detail: `the Envelope has ${appHdrs.length} AppHdr elements in its namespace, not one` };
  if (documents.length !== 1) return { ok: false, detail: `the Envelope has ${documents.length} Document elements in its namespace, not one` };
  const appHdr = appHdrs[0]!;
  const sgntrs = childElements(appHdr, 'Sgntr', ns);
  const fromId = pathOf(appHdr, 'Fr', 'FIId', 'FinInstnId', 'Othr', 'Id');
  return {
    ok: true,
    parts: { doc, envelope, appHdr, document: documents[0]!, sgntr: sgntrs[0] ?? null, fromIspb: fromId === null ? null : textOf(fromId) },
  };
}

/** True when `node` is `ancestor` or lies below it. */
export function isWithin(node: Node, ancestor: Node): boolean {
  for (let n: Node | null = node; n !== null; n = n.parentNode) if (n === ancestor) return true;
  return false;
}
