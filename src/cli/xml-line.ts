/**
 * An ICOM message's XML on one line with its meaning unchanged, for --out
 * (one message per line). pix-stream's face renders no line breaks, but XML
 * may carry them, and most places have an exact one-line equivalent:
 *
 *   - CR and CRLF are LF first: every parser does that (XML 1.0 §2.11);
 *   - in an element's text, LF becomes the reference &#10;, the same character;
 *   - inside a tag, between attributes or in an attribute value, LF becomes
 *     a space: white space there, and in a value a parser turns a literal
 *     line break into a space itself (§3.3.3);
 *   - outside the root element (after the XML declaration, say), a space.
 *
 * In a comment, a CDATA section, a processing instruction or a DOCTYPE, a
 * line break is data with no equivalent on one line: that message is
 * refused (the caller suggests --out-dir), never silently altered.
 */
export class XmlLineError extends Error {}

export function xmlOnOneLine(xml: string): string {
  if (!/[\r\n]/.test(xml)) return xml;
  const text = xml.replace(/\r\n?/g, '\n');
  if (/<!DOCTYPE/i.test(text)) throw new XmlLineError('an XML message with a DOCTYPE and line breaks cannot be put on one line');
  let out = '';
  let depth = 0;
  for (let at = 0; at < text.length; ) {
    const lt = text.indexOf('<', at);
    out += text.slice(at, lt === -1 ? text.length : lt).replaceAll('\n', depth > 0 ? '&#10;' : ' ');
    if (lt === -1) break;
    const literal = literalAt(text, lt);
    if (literal) {
      const end = text.indexOf(literal.close, lt);
      if (end === -1) throw new XmlLineError(`an unterminated ${literal.what} in an XML message`);
      const chunk = text.slice(lt, end + literal.close.length);
      if (chunk.includes('\n')) {
        // The XML declaration's pseudo-attributes are separated by white space, like a tag's.
        if (lt !== 0 || !/^<\?xml\s/.test(chunk)) throw new XmlLineError(`a line break inside ${literal.what} of an XML message has no one-line equivalent`);
      }
      out += chunk.replaceAll('\n', ' ');
      at = end + literal.close.length;
      continue;
    }
    const end = tagEnd(text, lt);
    if (end === -1) throw new XmlLineError('an unterminated tag in an XML message');
    if (text[lt + 1] === '/') depth -= 1;
    else if (text[end - 1] !== '/') depth += 1;
    out += text.slice(lt, end + 1).replaceAll('\n', ' ');
    at = end + 1;
  }
  return out;
}

/** Markup whose content is data, not tags: where it ends, and its name for messages. */
function literalAt(text: string, at: number): { close: string; what: string } | null {
  if (text.startsWith('<!--', at)) return { close: '-->', what: 'a comment' };
  if (text.startsWith('<![CDATA[', at)) return { close: ']]>', what: 'a CDATA section' };
  if (text.startsWith('<?', at)) return { close: '?>', what: 'a processing instruction' };
  return null;
}

/** Index of the '>' closing the tag at `at`; a '>' inside a quoted attribute value does not. */
function tagEnd(text: string, at: number): number {
  let quote = '';
  for (let i = at + 1; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return -1;
}
