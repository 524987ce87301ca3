/**
 * The inbound XML reader (src/iso20022/xml-tree.ts) against a parser we did
 * not write: on documents fast-xml-parser's validator accepts, both build the
 * same tree; what the validator refuses, ours refuses too, with a position.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderPacs002 } from '../../src/iso20022/pacs002';
import { renderPacs008 } from '../../src/iso20022/pacs008';
import { newBizMsgIdr } from '../../src/iso20022/ids';
import { SPI_ISPB } from '../../src/iso20022/message';
import { readXmlTree, XmlSyntaxError } from '../../src/iso20022/xml-tree';
import { randomMessage, seeded } from '../support/random-pix';

const thirdParty = new XMLParser({
  processEntities: false,
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Plain objects, for comparison with the library's (ours have no prototype, so no key can reach Object.prototype). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const random = seeded(20261204);
const header = () => ({ bizMsgIdr: newBizMsgIdr('12345678'), from: '12345678', to: SPI_ISPB, createdAt: new Date() });
const pacs008 = Array.from({ length: 200 }, () => renderPacs008(randomMessage(random), header()));
const pacs002 = renderPacs002({ originalEndToEndId: 'E1234567820261204120000000000001', status: 'RJCT', reason: 'AB03' }, header());

describe('the same tree as fast-xml-parser', () => {
  it.each([
    ['200 random pacs.008', pacs008],
    ['a rejecting pacs.002', [pacs002]],
    ['indented, with comments and processing instructions', [pacs008[0]!.replace(/></g, '>\n  <').replace('<AppHdr>', '<!-- signed by nobody --><?sig x?><AppHdr>')]],
    ['attributes in single quotes, spaces around =, self-closed and empty elements', ["<a x = 'v' y=\"w\"><b/><b></b><c z='1'/><d>t<!--c-->u</d></a>"]],
    ['mixed text and elements, a repeated name, two roots', ['<a>one<b>x</b>two<b>y</b></a><a/>']],
    ['references kept as written', ['<a t="&amp;">&lt;&#13;&xxe;</a>']],
  ])('%s', (_label, documents) => {
    for (const xml of documents) {
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(plain(readXmlTree(xml))).toEqual(thirdParty.parse(xml));
    }
  });
});

const refused = (xml: string) => {
  expect(() => readXmlTree(xml)).toThrow(XmlSyntaxError);
  expect(() => readXmlTree(xml)).toThrow(/\(line \d+, column \d+\)$/);
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
    ['a declaration after the start', ' <?xml version="1.0"?><a/>'],
    ['an unclosed comment', '<a><!-- x</a>'],
    ['no element at all', '  '],
    ['nothing', ''],
  ])('%s (the library refuses it too)', (_label, xml) => {
    expect(XMLValidator.validate(xml)).not.toBe(true);
    refused(xml);
  });

  // XML 1.0 forbids these (§3.1 AttValue, §2.8 document, §2.4 CharData); the library's validator lets them through.
  it.each([
    ['< in an attribute value', '<a x="<"/>'],
    ['text after the root', '<a/>x'],
    [']]> in text', '<a>x]]>y</a>'],
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['a CDATA section', '<a><![CDATA[x]]></a>'],
  ])('%s (stricter than the library)', (_label, xml) => refused(xml));

  it('names the line and column of a mismatched end tag', () => {
    expect(() => readXmlTree('<a>\n  <b></c>\n</a>')).toThrow('end tag </c> does not close <b> (line 2, column 6)');
  });
});

it('element names cannot reach Object.prototype', () => {
  const tree = readXmlTree('<a><__proto__><polluted>yes</polluted></__proto__><constructor/></a>') as { a: Record<string, unknown> };
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(tree.a)).toEqual(['__proto__', 'constructor']);
});
