/** How `collect --icom` puts XML in its output: one line per message (--out), one file per message (--out-dir). */
import { fileNameFor } from '../../src/cli/dir-sink';
import { xmlOnOneLine, XmlLineError } from '../../src/cli/xml-line';

describe('xmlOnOneLine', () => {
  it('leaves XML without line breaks as it is (the face renders none)', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><Envelope a="1"><b>x &amp; y</b></Envelope>';
    expect(xmlOnOneLine(xml)).toBe(xml);
  });

  it.each([
    ['text: a character reference', '<r>a\nb</r>', '<r>a&#10;b</r>'],
    ['CR and CRLF: LF first, as a parser reads them', '<r>a\r\nb\rc</r>', '<r>a&#10;b&#10;c</r>'],
    ['between attributes and in values: a space', '<r\n a="x\ny"\n/>', '<r  a="x y" />'],
    ['a ">" inside a value does not end the tag', '<r a="1>\n2">t\n</r>', '<r a="1> 2">t&#10;</r>'],
    ['outside the root element: a space', '<?xml version="1.0"\n encoding="UTF-8"?>\n<r/>\n', '<?xml version="1.0"  encoding="UTF-8"?> <r/> '],
    ['after an empty element the depth is unchanged', '<r><e/>\n</r>\n', '<r><e/>&#10;</r> '],
    ['a comment or CDATA without a break is kept', '<r><!-- c --><![CDATA[<x>]]>\n</r>', '<r><!-- c --><![CDATA[<x>]]>&#10;</r>'],
  ])('%s', (_case, xml, line) => {
    expect(xmlOnOneLine(xml)).toBe(line);
    expect(line).not.toMatch(/[\r\n]/);
  });

  it.each([
    ['a comment', '<r><!-- a\nb --></r>'],
    ['a CDATA section', '<r><![CDATA[a\nb]]></r>'],
    ['a processing instruction', '<r><?pi a\nb?></r>'],
    ['a DOCTYPE', '<!DOCTYPE r>\n<r/>'],
    ['an unterminated tag', '<r>\n<a'],
  ])('refuses a line break it cannot carry over: %s', (_case, xml) => {
    expect(() => xmlOnOneLine(xml)).toThrow(XmlLineError);
  });
});

describe('fileNameFor', () => {
  it('keeps letters, digits, - and _, and percent-encodes everything else', () => {
    expect(fileNameFor('UEkBmRU0GT9Cq9AT+ZxLxKrdjEv5dL/j')).toBe('UEkBmRU0GT9Cq9AT%2BZxLxKrdjEv5dL%2Fj.xml');
    expect(fileNameFor('../etc/passwd')).toBe('%2E%2E%2Fetc%2Fpasswd.xml');
    expect(fileNameFor('a-b_c%.')).toBe('a-b_c%25%2E.xml');
    expect(fileNameFor('ação')).toBe('a%C3%A7%C3%A3o.xml');
  });

  it('gives two ids two names', () => {
    const ids = ['a+b', 'a%2Bb', 'a b', 'a/b', 'a.b', 'A+B'];
    expect(new Set(ids.map(fileNameFor)).size).toBe(ids.length);
  });

  it('refuses an empty id and one too long for a file name', () => {
    expect(() => fileNameFor('')).toThrow(/without a PI-ResourceId/);
    expect(() => fileNameFor('x'.repeat(252))).toThrow(/too long/);
    expect(fileNameFor('x'.repeat(251))).toHaveLength(255);
  });
});
