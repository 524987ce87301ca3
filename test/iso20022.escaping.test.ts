import { XMLParser } from 'fast-xml-parser';
import { escapeAttr, escapeText, unescapeText, XmlCharError } from '../src/iso20022/xml';

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
  expect(unescapeText(escapeText('a\r\nb\r'))).toBe('a\r\nb\r');
  expect(unescapeText('raw\r\nline\rend')).toBe('raw\nline\nend'); // XML 1.0 §2.11 line-end normalisation
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

test('unescapeText decodes the predefined entities and character references', () => {
  expect(unescapeText('&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600; &amp;lt;')).toBe(`<>&"' AB😀 &lt;`);
});

test.each([
  ['an undefined entity', '&xxe;', /undefined entity/],
  ['a bare ampersand', 'a & b', /bare/],
  ['a reference to NUL', '&#0;', /U\+0000/],
  ['a reference to a lone surrogate', '&#xD800;', /U\+D800/],
  ['a reference beyond Unicode', '&#x110000;', /beyond Unicode/],
])('unescapeText rejects %s', (_name, raw, message) => {
  expect(() => unescapeText(raw)).toThrow(message);
});
