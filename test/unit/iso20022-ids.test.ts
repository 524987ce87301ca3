import { END_TO_END_ID_PATTERN, newBizMsgIdr, newEndToEndId, newResourceId, newReturnId, RESOURCE_ID_PATTERN, RETURN_ID_PATTERN } from '../../src/iso20022/ids';
import { SPI_ISPB } from '../../src/iso20022/message';

const at = new Date('2025-09-04T14:49:19.935Z');

test('a BizMsgIdr is M + ISPB + 9 base-36 characters of creation time + 14 random ones, as the SPI makes them', () => {
  const id = newBizMsgIdr(SPI_ISPB, at);
  expect(id).toMatch(/^M[0-9A-Z]{8}[a-zA-Z0-9]{23}$/); // the catalogue's MsgId pattern
  expect(id).toHaveLength(32);
  expect(id.slice(0, 18)).toBe('M000381660MF5IV3GF'); // the prefix of an id the SPI sent at that instant
  expect(parseInt(id.slice(9, 18), 36)).toBe(at.getTime());
});

test('BizMsgIdrs do not repeat, even within one millisecond, and sort by time', () => {
  const ids = new Set(Array.from({ length: 100_000 }, () => newBizMsgIdr('60701190', at)));
  expect(ids.size).toBe(100_000);
  expect(newBizMsgIdr('60701190', new Date(at.getTime() + 1)) > newBizMsgIdr('60701190', at)).toBe(true);
});

test('random BizMsgIdr characters use the whole base-36 alphabet', () => {
  const seen = new Set(Array.from({ length: 2_000 }, () => newBizMsgIdr('60701190').slice(18)).join(''));
  expect(seen.size).toBe(36);
});

test.each(['1234567', '123456789', '0003816a', ''])('ISPB %j is refused', (ispb) => {
  expect(() => newBizMsgIdr(ispb)).toThrow(RangeError);
});

test('a PI-ResourceId is 32 base64 characters: "PI", 48-bit Unix milliseconds, 16 random bytes', () => {
  const id = newResourceId(at);
  expect(id).toMatch(RESOURCE_ID_PATTERN);
  const bytes = Buffer.from(id, 'base64');
  expect(bytes).toHaveLength(24);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PI');
  expect(bytes.readUIntBE(2, 6)).toBe(at.getTime());
  expect(id.startsWith('UEkB')).toBe(true); // like ICOM's own ids of the same era
});

test('resource ids do not repeat', () => {
  const ids = new Set(Array.from({ length: 100_000 }, () => newResourceId(at)));
  expect(ids.size).toBe(100_000);
});

test('EndToEndId and RtrId are E or D + ISPB + yyyyMMddHHmm in UTC + 11 random [a-zA-Z0-9]', () => {
  const e2e = newEndToEndId('99999A04', at);
  const rtr = newReturnId('60701190', at);
  expect(e2e).toMatch(END_TO_END_ID_PATTERN);
  expect(rtr).toMatch(RETURN_ID_PATTERN);
  expect(e2e.slice(0, 21)).toBe('E99999A04202509041449');
  expect(rtr.slice(0, 21)).toBe('D60701190202509041449');
  const tails = Array.from({ length: 20_000 }, () => newEndToEndId('60701190', at).slice(21));
  expect(new Set(tails).size).toBe(20_000);
  expect(new Set(tails.join('')).size).toBe(62);
  expect(() => newReturnId('6070119', at)).toThrow(RangeError);
  expect(() => newEndToEndId('60701190', new Date(Number.NaN))).toThrow(RangeError);
});
