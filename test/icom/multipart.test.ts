import { randomBytes } from 'node:crypto';
import { parseMultipart } from '@mjackson/multipart-parser';
import { MultipartError, parseMultipartMixed, renderMultipartMixed, type OutgoingPart } from '../../src/http/icom/multipart';

const xmlPart = (n: number): OutgoingPart => ({
  headers: { 'Content-Type': 'application/xml; charset=utf-8', 'PI-ResourceId': `UEkBmRU0GT9Cq9AT+ZxLxKrdjEv5dL${n}j` },
  body: `<?xml version="1.0" encoding="UTF-8"?><Envelope>ação nº ${n} — 😀</Envelope>`,
});
const bytes = (body: string | Buffer) => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/** Parts as a third-party parser (@mjackson/multipart-parser) sees them. */
function thirdPartyParse(contentType: string, body: Buffer) {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(contentType)!;
  return [...parseMultipart(body, { boundary: boundary[1] ?? boundary[2]! })].map((part) => ({
    headers: Object.fromEntries(part.headers.entries()),
    body: Buffer.from(part.bytes),
  }));
}

test('ten XML parts come out as multipart/mixed with CRLF lines that a third-party parser splits into the same parts', () => {
  const parts = Array.from({ length: 10 }, (_, i) => xmlPart(i));
  const { contentType, body } = renderMultipartMixed(parts);
  expect(contentType).toMatch(/^multipart\/mixed; boundary=[A-Za-z0-9_-]{32}$/);
  expect(body.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // every line end is CRLF
  const parsed = thirdPartyParse(contentType, body);
  expect(parsed).toHaveLength(10);
  parsed.forEach((part, i) => {
    expect(part.headers).toEqual({ 'content-type': 'application/xml; charset=utf-8', 'pi-resourceid': parts[i]!.headers['PI-ResourceId'] });
    expect(part.body.equals(bytes(parts[i]!.body))).toBe(true);
  });
  expect(parseMultipartMixed(contentType, body).map((p) => p.body.toString('utf8'))).toEqual(parts.map((p) => p.body));
});

test('binary bodies full of CRLF and dashes keep every byte, and a fresh boundary is drawn each time', () => {
  const parts = Array.from({ length: 5 }, (_, i) => ({
    headers: { 'Content-Type': 'application/octet-stream' },
    body: Buffer.concat([Buffer.from('\r\n--\r\n\r\n--'), randomBytes(1000 * i), Buffer.from('--\r\n')]),
  }));
  const first = renderMultipartMixed(parts);
  expect(renderMultipartMixed(parts).contentType).not.toBe(first.contentType);
  const mine = parseMultipartMixed(first.contentType, first.body);
  const theirs = thirdPartyParse(first.contentType, first.body);
  parts.forEach((part, i) => {
    expect(mine[i]!.body.equals(part.body)).toBe(true);
    expect(theirs[i]!.body.equals(part.body)).toBe(true);
  });
});

test('a chosen boundary with a space is quoted (ICOM\'s manual uses "simple boundary"), and one found in a body is refused', () => {
  const { contentType, body } = renderMultipartMixed([xmlPart(1)], 'simple boundary');
  expect(contentType).toBe('multipart/mixed; boundary="simple boundary"');
  expect(thirdPartyParse(contentType, body)[0]!.body.toString()).toBe(xmlPart(1).body);
  const collide = () => renderMultipartMixed([{ headers: {}, body: 'x\r\n--abc\r\ny' }], 'abc');
  expect(collide).toThrow(expect.objectContaining({ code: 'collision' }));
});

test.each([
  ['no parts', [], undefined, 'no-parts'],
  ['a header value with CRLF', [{ headers: { 'X-A': 'v\r\nX-Injected: 1' }, body: '' }], undefined, 'header'],
  ['a header name with a space', [{ headers: { 'Bad Name': 'v' }, body: '' }], undefined, 'header'],
  ['a 71-character boundary', [xmlPart(1)], 'b'.repeat(71), 'boundary'],
  ['a boundary ending in a space', [xmlPart(1)], 'abc ', 'boundary'],
])('renderMultipartMixed refuses %s', (_name, parts, boundary, code) => {
  expect(() => renderMultipartMixed(parts as OutgoingPart[], boundary)).toThrow(expect.objectContaining({ name: 'MultipartError', code }));
});

test('a body written by a third-party multipart writer (undici FormData) parses into its parts', async () => {
  const form = new FormData();
  form.append('texto', 'olá & <mundo>');
  const xml = Buffer.from('<Envelope>\r\n--not-a-boundary\r\n</Envelope>');
  form.append('msg', new Blob([xml], { type: 'application/xml' }), 'msg.xml');
  const response = new Response(form);
  const contentType = response.headers.get('content-type')!.replace('multipart/form-data', 'multipart/mixed');
  const parts = parseMultipartMixed(contentType, Buffer.from(await response.arrayBuffer()));
  expect(parts.map((p) => p.headers['content-disposition'])).toEqual(['form-data; name="texto"', 'form-data; name="msg"; filename="msg.xml"']);
  expect(parts[0]!.body.toString('utf8')).toBe('olá & <mundo>');
  expect(parts[1]!.headers['content-type']).toBe('application/xml');
  expect(parts[1]!.body.equals(xml)).toBe(true);
});

test('preamble, epilogue, transport padding, folded and repeated headers, header-less and empty parts', () => {
  const body = Buffer.from(
    [
      'This preamble is to be ignored,',
      '--gc0p4Jq0M2Yt08jU534c0p-- is not a delimiter either.',
      '--gc0p4Jq0M2Yt08jU534c0p  \t',
      'Content-Type: application/xml;',
      '  charset=utf-8',
      'PI-ResourceId: a',
      'pi-resourceid: b',
      '',
      '<a/>',
      '--gc0p4Jq0M2Yt08jU534c0pX is content, not a boundary',
      '--gc0p4Jq0M2Yt08jU534c0p',
      '',
      'no headers here, so text/plain by default',
      '--gc0p4Jq0M2Yt08jU534c0p',
      '--gc0p4Jq0M2Yt08jU534c0p--   ',
      'This epilogue is ignored too.',
    ].join('\r\n'),
  );
  const parts = parseMultipartMixed('Multipart/Mixed ; boundary="gc0p4Jq0M2Yt08jU534c0p"; charset=x;', body);
  expect(parts.map((p) => ({ headers: { ...p.headers }, body: p.body.toString() }))).toEqual([
    {
      headers: { 'content-type': 'application/xml;  charset=utf-8', 'pi-resourceid': 'a, b' },
      body: '<a/>\r\n--gc0p4Jq0M2Yt08jU534c0pX is content, not a boundary',
    },
    { headers: {}, body: 'no headers here, so text/plain by default' },
    { headers: {}, body: '' },
  ]);
});

const b = (...lines: string[]) => Buffer.from(lines.join('\r\n'));
test.each([
  ['another media type', 'application/xml; boundary=x', b('--x', '', 'a', '--x--'), 'content-type'],
  ['no boundary parameter', 'multipart/mixed', b('--x', '', 'a', '--x--'), 'boundary'],
  ['malformed parameters', 'multipart/mixed; boundary', b('--x', '', 'a', '--x--'), 'content-type'],
  ['a boundary of 71 characters', `multipart/mixed; boundary=${'x'.repeat(71)}`, b(`--${'x'.repeat(71)}`, '', 'a'), 'boundary'],
  ['no boundary line at all', 'multipart/mixed; boundary=x', b('just text'), 'unterminated'],
  ['a close before any part', 'multipart/mixed; boundary=x', b('preamble', '--x--'), 'no-parts'],
  ['no closing boundary', 'multipart/mixed; boundary=x', b('--x', '', 'a', '--x', '', 'b'), 'unterminated'],
  ['a header line without a colon', 'multipart/mixed; boundary=x', b('--x', 'Content-Type application/xml', '', 'a', '--x--'), 'header'],
  ['a part opening with a continuation line', 'multipart/mixed; boundary=x', b('--x', ' folded: v', '', 'a', '--x--'), 'header'],
  ['bare LF line ends', 'multipart/mixed; boundary=x', Buffer.from('--x\nContent-Type: a\n\nbody\n--x--\n'), 'unterminated'],
])('parseMultipartMixed refuses %s', (_name, contentType, body, code) => {
  let error: unknown;
  try {
    parseMultipartMixed(contentType, body);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(MultipartError);
  expect(error).toMatchObject({ code });
});
