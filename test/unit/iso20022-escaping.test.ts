import { XMLParser } from 'fast-xml-parser';
import { DOMParser } from '@xmldom/xmldom';
import { escapeAttr, escapeText, XmlCharError } from '../../src/iso20022/xml';

/** The text of `<a>…</a>` as a parser we did not write decodes it. */
const decoded = (escaped: string) => new DOMParser().parseFromString(`<a>${escaped}</a>`, 'text/xml').documentElement!.textContent;

test('the five markup characters are escaped in text and attributes, and a third-party parser decodes them back', () => {
  const value = `Tom & Jerry <"Ltda"> d'Ávila ]]> 😀`;
  expect(escapeText(value)).toBe('Tom &amp; Jerry &lt;&quot;Ltda&quot;&gt; d&apos;Ávila ]]&gt; 😀');
  const doc = new XMLParser({ ignoreAttributes: false, trimValues: false }).parse(`<a b="${escapeAttr(value)}">${escapeText(value)}</a>`);
  expect(doc.a).toEqual({ '#text': value, '@_b': value });
});

test('plain text comes back as the very same string (the fast path)', () => {
  const plain = 'Joao da Silva 12345';
  expect(escapeText(plain)).toBe(plain);
  expect(escapeAttr(plain)).toBe(plain);
});

test('CR survives as a character reference; in attributes TAB and LF do too, since parsers turn them into spaces', () => {
  expect(escapeText('a\r\nb\tc')).toBe('a&#13;\nb\tc');
  expect(escapeAttr('a\r\nb\tc')).toBe('a&#13;&#10;b&#9;c');
  expect(decoded(escapeText('a\r\nb\r'))).toBe('a\r\nb\r');
  expect(decoded('raw\r\nline\rend')).toBe('raw\nline\nend'); // XML 1.0 §2.11 line-end normalisation: why CR is escaped
});

test.each([
  ['NUL', 'a\u0000b'],
  ['a C0 control', 'bell\u0007'],
  ['a lone high surrogate', 'x\uD83Dy'],
  ['a lone low surrogate', '\uDE00'],
  ['U+FFFE', '\uFFFE'],
  ['U+FFFF', 'end\uFFFF'],
])('%s is rejected, not dropped', (_name, value) => {
  expect(() => escapeText(value)).toThrow(XmlCharError);
  expect(() => escapeAttr(value)).toThrow(/is not allowed in XML 1\.0/);
});
