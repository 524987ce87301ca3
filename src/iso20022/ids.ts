/**
 * Identifiers of the ICOM face, shaped like the ones the SPI itself emits.
 *
 * BizMsgIdr (= GrpHdr/MsgId): `M` + ISPB (8) + 23 characters, 32 in all, the
 * catalogue's pattern [M][0-9A-Z]{8}[a-zA-Z0-9]{23}. The SPI's own ids (e.g.
 * M000381660MF5IV3GF21S17W2YJ2BRSP) spend the 23 as 9 base-36 characters of
 * the creation time in Unix milliseconds ("0MF5IV3GF" decodes to
 * 2025-09-04T14:49:19.935Z, that message's CreDt) and 14 random ones, all
 * upper case. We do the same: ids sort by creation time, and 14 random
 * base-36 characters (72 bits) keep the odds of a clash under 1 in 2^36 even
 * with 2^18 ids of one ISPB in the same millisecond. 9 base-36 digits last
 * until the year 5188.
 *
 * PI-ResourceId: ICOM's ids are 32 characters of standard base64, i.e. 24
 * bytes. Decoded, the published ones start with the bytes "PI", then 6 bytes
 * of Unix milliseconds (the same instant as the message's CreDt), then 16
 * bytes that vary. We keep that layout: "PI" + 48-bit time + 16 random bytes
 * (128 bits: unique without coordination between API processes). Stable:
 * it is made once, when a message is first stored for delivery, and kept in
 * the database; a redelivery sends the same id, as ICOM does, so a collector
 * can deduplicate by it.
 *
 * EndToEndId and RtrId (SPI catalogue 5.13 XSDs, e.g. pacs.004.spi.1.5):
 * `E` (payment) or `D` (return) + ISPB of the participant that made the id +
 * yyyyMMddHHmm in UTC + 11 characters [a-zA-Z0-9], 32 in all. The catalogue
 * only asks that the 11 be unique within that minute for that ISPB; random
 * ones (62^11, about 65 bits) make a clash negligible without any counter
 * shared between processes.
 */
import { createHash, randomFillSync } from 'node:crypto';

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ISPB = /^[0-9A-Z]{8}$/;
const MAX_BASE36_9 = 36 ** 9; // exclusive bound of 9 base-36 digits, in ms

// One crypto call per 4 KiB of randomness instead of one per id: ids are
// made in bulk at generation time.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomBytes(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

function epochMs(date: Date): number {
  const ms = date.getTime();
  if (!(ms >= 0 && ms < MAX_BASE36_9)) throw new RangeError(`date ${String(date)} is outside 1970..5188`);
  return ms;
}

/** 14 uniformly random base-36 characters (bytes >= 252 are skipped: 252 = 7 × 36, no modulo bias). */
function randomBase36(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 2)) {
      if (byte < 252 && out.length < length) out += BASE36[byte % 36];
    }
  }
  return out;
}

/** Uniformly random [0-9A-Za-z] characters (bytes >= 248 are skipped: 248 = 4 × 62). */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * `length` characters of `alphabet` drawn from SHA-256 of `key` (re-hashed
 * as needed, biased bytes skipped as above): the same key gives the same id,
 * so a message its maker composes again after a crash is a repost of the
 * first, not a second message (src/virtual).
 */
function derivedChars(alphabet: string, length: number, key: string): string {
  const unbiased = alphabet.length * Math.floor(256 / alphabet.length);
  let out = '';
  for (let block = createHash('sha256').update(key).digest(); out.length < length; block = createHash('sha256').update(block).digest()) {
    for (const byte of block) if (byte < unbiased && out.length < length) out += alphabet[byte % alphabet.length];
  }
  return out;
}

function checkIspb(ispb: string): void {
  if (!ISPB.test(ispb)) throw new RangeError(`ISPB ${JSON.stringify(ispb)} is not 8 characters [0-9A-Z]`);
}

/** `prefix` + ispb + yyyyMMddHHmm (UTC) + 11 random [a-zA-Z0-9]. */
function transactionId(prefix: 'E' | 'D', ispb: string, date: Date, key?: string): string {
  checkIspb(ispb);
  epochMs(date); // years 1970..5188 keep the 4-digit year of the layout
  const iso = date.toISOString(); // 2026-11-24T15:30:12.345Z
  const minute = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
  return `${prefix}${ispb}${minute}${key === undefined ? randomBase62(11) : derivedChars(BASE62, 11, key)}`;
}

/** A payment's EndToEndId, made by the participant `ispb` at `date`. */
export function newEndToEndId(ispb: string, date: Date = new Date(), key?: string): string {
  return transactionId('E', ispb, date, key);
}

/** A return's RtrId, made by the participant `ispb` (the one returning the money) at `date`. */
export function newReturnId(ispb: string, date: Date = new Date(), key?: string): string {
  return transactionId('D', ispb, date, key);
}

/**
 * The catalogue's patterns (pacs.002.spi.1.17, pacs.004.spi.1.5), a little
 * stricter than "12 digits": the first digit of month, day, hour and minute
 * is bounded. ISPBs may hold letters (Bacen's virtual participant 99999A04).
 */
export const END_TO_END_ID_PATTERN = /^E[0-9A-Z]{8}[0-9]{4}[0-1][0-9][0-3][0-9][0-2][0-9][0-5][0-9][a-zA-Z0-9]{11}$/;
export const RETURN_ID_PATTERN = /^D[0-9A-Z]{8}[0-9]{4}[0-1][0-9][0-3][0-9][0-2][0-9][0-5][0-9][a-zA-Z0-9]{11}$/;

/** `M` + ispb + 9 base-36 time characters + 14 random ones (see above). */
export function newBizMsgIdr(ispb: string, date: Date = new Date(), key?: string): string {
  checkIspb(ispb);
  return `M${ispb}${epochMs(date).toString(36).toUpperCase().padStart(9, '0')}${key === undefined ? randomBase36(14) : derivedChars(BASE36, 14, key)}`;
}

/** 24 bytes "PI" + 48-bit Unix ms + 16 random bytes, as 32 characters of base64. */
export function newResourceId(date: Date = new Date()): string {
  const id = Buffer.allocUnsafe(24);
  id.write('PI', 0, 'latin1');
  id.writeUIntBE(epochMs(date), 2, 6);
  randomBytes(16).copy(id, 8);
  return id.toString('base64');
}

/** The shape of a resource id from newResourceId (or ICOM): 32 base64 characters. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9+/]{32}$/;
