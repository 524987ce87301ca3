/**
 * Writes a signed Sgntr back into the message text it came from, leaving
 * every other byte as the sender wrote it (declaration, quoting, escapes,
 * whitespace). Re-serializing the whole DOM would give an equivalent
 * document, but not the same bytes, and a bank comparing what it sent with
 * what it got back should see only the signature added.
 *
 * The Sgntr start tag is found by counting: the n-th Sgntr element in
 * document order is the n-th `<qname` in the text, unless a comment, CDATA
 * section or processing instruction holds that string too; then the counts
 * differ and the caller falls back to serializing the DOM.
 */
import { XMLSerializer } from '@xmldom/xmldom';

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Index of the `>` that closes the tag starting at `start`, skipping quoted attribute values. */
function tagEnd(xml: string, start: number): number {
  let quote: string | null = null;
  for (let i = start; i < xml.length; i++) {
    const c = xml[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

function startTags(xml: string, qname: string): number[] {
  const found: number[] = [];
  const pattern = new RegExp(`<${qname.replace(/[.]/g, '\\.')}(?=[\\s/>])`, 'g');
  for (let m = pattern.exec(xml); m !== null; m = pattern.exec(xml)) found.push(m.index);
  return found;
}

/** `xml` with the element `sgntr` (a node of the DOM parsed from `xml`) written as it now is; null when it cannot be located safely. */
export function spliceSgntr(xml: string, doc: Document, sgntr: Element): string | null {
  const qname = sgntr.tagName;
  const elements = Array.from(doc.getElementsByTagName(qname));
  const starts = startTags(xml, qname);
  const index = elements.indexOf(sgntr);
  if (index < 0 || starts.length !== elements.length) return null;
  const start = starts[index]!;
  const openEnd = tagEnd(xml, start);
  if (openEnd < 0) return null;
  const selfClosing = xml[openEnd - 1] === '/';
  let end: number;
  if (selfClosing) end = openEnd + 1;
  else {
    const close = new RegExp(`</${qname.replace(/[.]/g, '\\.')}\\s*>`, 'g');
    close.lastIndex = openEnd;
    const m = close.exec(xml);
    if (m === null) return null;
    end = m.index + m[0].length;
  }
  const openTag = selfClosing ? `${xml.slice(start, openEnd - 1).trimEnd()}>` : xml.slice(start, openEnd + 1);
  const serializer = new XMLSerializer();
  let inner = '';
  for (let n = sgntr.firstChild; n !== null; n = n.nextSibling) {
    inner += n.nodeType === 3 ? escapeText(n.nodeValue ?? '') : serializer.serializeToString(n);
  }
  return `${xml.slice(0, start)}${openTag}${inner}</${qname}>${xml.slice(end)}`;
}
