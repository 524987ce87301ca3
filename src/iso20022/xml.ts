/**
 * XML 1.0 (Fifth Edition) text and attribute escaping (the parser, saxes,
 * decodes what we read). What we follow and why:
 *
 * - The five predefined entities (§4.6) for & < > " ' in both element text
 *   and attribute values: one function, correct in either place.
 * - Carriage return is written as &#13; (and tab / line feed too inside
 *   attributes): parsers normalise a literal CR to LF (§2.11) and literal
 *   TAB/LF/CR in attributes to spaces (§3.3.3), so only the character
 *   reference survives a round trip (the SPI's own signed messages carry
 *   &#13; for the same reason).
 * - Characters outside the Char production (§2.2: C0 controls other than
 *   TAB/LF/CR, lone surrogates, U+FFFE, U+FFFF) are REJECTED with XmlCharError,
 *   not removed. They cannot appear in XML even as references, and dropping
 *   them silently would send a payment whose free text differs from the
 *   stored one; a loud error at render time points at the bad row instead.
 *   The one exception is text that only describes an error and may echo
 *   hostile input (admi.002's RsnDesc): stripInvalidXmlChars drops them,
 *   since refusing to report a bad message because it was bad helps no one.
 */

/** A character that XML 1.0 cannot carry. */
export class XmlCharError extends Error {
  constructor(
    readonly code: 'invalid-char',
    detail: string,
  ) {
    super(detail);
    this.name = 'XmlCharError';
  }
}

// The `u` flag makes [\uD800-\uDFFF] match only unpaired surrogates: a valid
// pair is one code point (an emoji, say) and is allowed.
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;
// Everything that is either invalid or escaped: one test decides the common case.
const UNUSUAL = /[\u0000-\u001F&<>"'\uD800-\uDFFF\uFFFE\uFFFF]/u;
const NEEDS_ESCAPE_ALL = /[&<>"'\t\n\r]/g;

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
  '\r': '&#13;', '\t': '\t', '\n': '\n',
};
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '\t': '&#9;', '\n': '&#10;' };

/** Throws XmlCharError when `value` holds a character XML 1.0 cannot carry. */
export function assertXmlChars(value: string): void {
  const bad = INVALID_CHAR.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new XmlCharError('invalid-char', `U+${code} at index ${bad.index} is not allowed in XML 1.0`);
  }
}

const INVALID_CHARS = new RegExp(INVALID_CHAR.source, 'gu');

/** `value` without the characters XML 1.0 cannot carry (a valid surrogate pair is kept whole). */
export function stripInvalidXmlChars(value: string): string {
  return INVALID_CHAR.test(value) ? value.replace(INVALID_CHARS, '') : value;
}

/**
 * Escapes element text. The common case (nothing to escape) returns the
 * string itself after one regex test, which keeps rendering cheap.
 */
export function escapeText(value: string): string {
  if (!UNUSUAL.test(value)) return value;
  assertXmlChars(value);
  return value.replace(NEEDS_ESCAPE_ALL, (c) => TEXT_ESCAPES[c]!);
}

/** Escapes an attribute value written between double quotes. */
export function escapeAttr(value: string): string {
  if (!UNUSUAL.test(value)) return value;
  assertXmlChars(value);
  return value.replace(NEEDS_ESCAPE_ALL, (c) => ATTR_ESCAPES[c]!);
}
