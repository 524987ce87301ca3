/**
 * The inbound XML reader (src/iso20022/xml-tree.ts, saxes underneath) against
 * a parser we did not write, @xmldom/xmldom: on well-formed documents both
 * see the same elements, namespaces, attributes and text whatever the
 * prefixes; what XML forbids, ours refuses with a line and column.
 */
import { DOMParser } from '@xmldom/xmldom';
import { renderPacs002 } from '../../src/iso20022/pacs002';
import { renderPacs008 } from '../../src/iso20022/pacs008';
import { newBizMsgIdr } from '../../src/iso20022/ids';
import { SPI_ISPB } from '../../src/iso20022/message';
import { readXmlTree, XmlSyntaxError, type XmlElement } from '../../src/iso20022/xml-tree';
import { bankPacs008 } from '../support/bank-pacs008';
import { randomMessage, seeded } from '../support/random-pix';

interface Shape {
  name: string;
  ns: string;
  attributes: Record<string, string>;
  text: string;
  children: Shape[];
}

/** xmldom's view in the same shape: element children, own text, attributes other than namespace declarations. */
function fromDom(element: Element): Shape {
  const nodes = Array.from(element.childNodes);
  const attributes: Record<string, string> = {};
  for (const a of Array.from(element.attributes)) {
    if (a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    attributes[a.namespaceURI ? `{${a.namespaceURI}}${a.localName}` : a.localName!] = a.value;
  }
  return {
    name: element.localName!,
    ns: element.namespaceURI ?? '',
    attributes,
    text: nodes.filter((n) => n.nodeType === 3 || n.nodeType === 4).map((n) => n.nodeValue).join(''),
    children: nodes.filter((n): n is Element => n.nodeType === 1).map(fromDom),
  };
}

const ours = (element: XmlElement): Shape => ({ name: element.name, ns: element.ns, attributes: { ...element.attributes }, text: element.text, children: element.children.map(ours) });
const theirs = (xml: string) => fromDom(new DOMParser().parseFromString(xml, 'text/xml').documentElement!);

const random = seeded(20261207);
const header = () => ({ bizMsgIdr: newBizMsgIdr('12345678'), from: '12345678', to: SPI_ISPB, createdAt: new Date() });
const pacs008 = Array.from({ length: 200 }, () => renderPacs008(randomMessage(random), header()));
const pacs002 = renderPacs002({ originalEndToEndId: 'E1234567820261204120000000000001', status: 'RJCT', reason: 'AB03' }, header());

describe('the same elements, namespaces and text as @xmldom/xmldom', () => {
  it.each([
    ['200 random pacs.008', pacs008],
    ['a rejecting pacs.002', [pacs002]],
    ['a bank’s indented pacs.008, default namespace and env: prefix', [bankPacs008({ payer: '11112222', receiver: '22223333' }).xml, bankPacs008({ payer: '11112222', receiver: '22223333', prefix: 'env' }).xml]],
    ['comments and processing instructions', [pacs008[0]!.replace('<AppHdr>', '<!-- signed by nobody --><?sig x?><AppHdr>')]],
    ['attributes in single quotes, spaces around =, self-closed and empty elements', ["<a x = 'v' y=\"w\"><b/><b></b><c z='1'/><d>t<!--c-->u</d></a>"]],
    ['mixed text, repeated names, a foreign namespace inside', ['<a xmlns="urn:a" xmlns:s="urn:s">one<b>x</b>two<s:b s:k="1">y</s:b></a>']],
    ['references decoded', ['<a t="&amp;&#65;">&lt;&#13;&#x1F600;&gt;</a>']],
  ])('%s', (_label, documents) => {
    for (const xml of documents) expect(ours(readXmlTree(xml))).toEqual(theirs(xml));
  });
});

const refused = (xml: string) => {
  expect(() => readXmlTree(xml)).toThrow(XmlSyntaxError);
  expect(() => readXmlTree(xml)).toThrow(/\(line \d+, column \d+\)$|^no root element$/);
};

describe('malformed documents are refused with where', () => {
  it.each([
    ['a truncated document', pacs008[1]!.slice(0, 700)],
    ['mismatched tags', pacs008[2]!.replace('</Dbtr>', '</Cdtr>')],
    ['a stray end tag', '<a></a></b>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['an attribute without a value', '<a x/>'],
    ['a repeated attribute', '<a x="1" x="2"/>'],
    ['attributes without space between them', '<a x="1"y="2"/>'],
    ['a bad element name', '<1a/>'],
    ['a lone <', '<a>1 < 2</a>'],
    ['text before the root', 'x<a/>'],
    ['text after the root', '<a/>x'],
    ['two roots', '<a/><a/>'],
    ['a declaration after the start', ' <?xml version="1.0"?><a/>'],
    ['an unclosed comment', '<a><!-- x</a>'],
    ['< in an attribute value', '<a x="<"/>'],
    [']]> in text', '<a>x]]>y</a>'],
    ['an undefined entity', '<a>&xxe;</a>'],
    ['a bare ampersand', '<a>a & b</a>'],
    ['a reference to NUL', '<a>&#0;</a>'],
    ['a reference to a lone surrogate', '<a>&#xD800;</a>'],
    ['a reference beyond Unicode', '<a>&#x110000;</a>'],
    ['an unbound prefix', '<env:Envelope/>'],
    ['no element at all', '  '],
    ['nothing', ''],
  ])('%s', (_label, xml) => refused(xml));

  it('names the line and column of a mismatched end tag', () => {
    expect(() => readXmlTree('<a>\n  <b></c>\n</a>')).toThrow(/^unexpected close tag \(line 2, column \d+\)$/);
  });
});

it('records where each element stands in the source, whatever comes before it', () => {
  const xml = '<?xml version="1.0"?>\r\n<!-- ação 😀 --><p:a xmlns:p="urn:x"><p:b k="1">t&amp;u</p:b><p:c/>\n<p:d><p:e>x</p:e></p:d></p:a >';
  const a = readXmlTree(xml);
  const [b, c, d] = a.children;
  const of = (e: XmlElement) => [xml.slice(e.at.start, e.at.end), xml.slice(e.at.contentStart, e.at.contentEnd)];
  expect(of(a)).toEqual([xml.slice(xml.indexOf('<p:a')), '<p:b k="1">t&amp;u</p:b><p:c/>\n<p:d><p:e>x</p:e></p:d>']);
  expect(of(b!)).toEqual(['<p:b k="1">t&amp;u</p:b>', 't&amp;u']);
  expect(of(c!)).toEqual(['<p:c/>', '']);
  expect(of(d!)).toEqual(['<p:d><p:e>x</p:e></p:d>', '<p:e>x</p:e>']); // tags back to back
  expect(of(d!.children[0]!)).toEqual(['<p:e>x</p:e>', 'x']);
  expect([a.prefix, a.declarations]).toEqual(['p', { 'xmlns:p': 'urn:x' }]);
});

it('element names cannot reach Object.prototype', () => {
  const tree = readXmlTree('<a><__proto__ polluted="yes"><x/></__proto__><constructor/></a>');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(tree.children.map((c) => c.name)).toEqual(['__proto__', 'constructor']);
  expect(tree.children[0]!.attributes.polluted).toBe('yes');
});
