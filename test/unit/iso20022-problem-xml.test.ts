import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PROBLEM_XML_NAMESPACE, renderProblemXml } from '../../src/iso20022/problem-xml';
import { XmlCharError } from '../../src/iso20022/xml';

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false });

test('a problem renders as RFC 7807 Appendix A XML: root "problem" in urn:ietf:rfc:7807, one element per member', () => {
  const xml = renderProblemXml({
    type: '/problems/bad-request',
    title: 'Bad Request',
    status: 400,
    detail: 'ISPB must be 8 digits',
    instance: '/api/v1/in/1234/msgs',
  });
  expect(xml).toBe(
    '<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">' +
      '<type>/problems/bad-request</type><title>Bad Request</title><status>400</status>' +
      '<detail>ISPB must be 8 digits</detail><instance>/api/v1/in/1234/msgs</instance></problem>',
  );
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(parser.parse(xml).problem['@_xmlns']).toBe(PROBLEM_XML_NAMESPACE);
});

test('text quoting hostile input stays well-formed and reads back unchanged', () => {
  const detail = `ISPB "<x>&amp;</x>" isn't 8 digits ]]> é`;
  const instance = '/api/v1/out/1/stream/a?b=1&c=<2>';
  const xml = renderProblemXml({ type: 'about:blank', title: 'Bad <Request>', status: 400, detail, instance });
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(parser.parse(xml).problem).toMatchObject({ title: 'Bad <Request>', status: '400', detail, instance });
});

test('members left undefined are omitted; title and status are always there', () => {
  const problem = parser.parse(renderProblemXml({ title: 'Gone', status: 410 })).problem;
  expect(Object.keys(problem).sort()).toEqual(['@_xmlns', 'status', 'title']);
});

test.each([99, 600, 404.5, Number.NaN])('status %p is refused', (status) => {
  expect(() => renderProblemXml({ title: 'x', status })).toThrow(RangeError);
});

test('a character XML cannot carry is refused rather than written', () => {
  expect(() => renderProblemXml({ title: 'x', status: 400, detail: 'bad \u0000 byte' })).toThrow(XmlCharError);
});
