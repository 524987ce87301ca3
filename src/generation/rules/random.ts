import { randomFillSync, randomInt as cryptoRandomInt } from 'node:crypto';

const DIGITS = '0123456789';
const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform integer in [min, maxInclusive]. */
export function randomInt(min: number, maxInclusive: number): number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(maxInclusive) || maxInclusive < min) {
    throw new RangeError(`invalid range [${min}, ${maxInclusive}]`);
  }
  // node:crypto's upper bound is exclusive.
  return cryptoRandomInt(min, maxInclusive + 1);
}

/** One element of a non-empty array, chosen uniformly. */
export function pick<T>(arr: readonly T[]): T {
  if (arr.length === 0) {
    throw new RangeError('cannot pick from an empty array');
  }
  return arr[cryptoRandomInt(arr.length)] as T;
}

function randomStringFrom(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += alphabet[cryptoRandomInt(alphabet.length)];
  }
  return out;
}

/** String of n decimal digits; leading zeros allowed. */
export function randomDigits(n: number): string {
  return randomStringFrom(DIGITS, n);
}

/** String of n characters from A–Z, a–z, 0–9. */
export function randomAlphanumeric(n: number): string {
  return randomStringFrom(ALPHANUMERICS, n);
}

// Random bytes taken 6 at a time from one pool refilled in bulk: a randomBytes(6) per
// draw (a Buffer each) was 11 % of the API's time generating 100,000 messages.
const POOL = Buffer.alloc(6 * 1024);
let poolAt = POOL.length;

/** Uniform float in (0, 1), built from 48 random bits. */
function randomUnitOpen(): number {
  if (poolAt === POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const bits = POOL.readUIntBE(poolAt, 6);
  poolAt += 6;
  return (bits + 0.5) / 2 ** 48;
}

/** Standard normal sample via the Box–Muller transform. */
function randomStandardNormal(): number {
  const u1 = randomUnitOpen();
  const u2 = randomUnitOpen();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// Everyday payments: log-normal with a median of about R$ 60, so roughly 90% fall
// between a few reais and several hundred.
const VALOR_LOG_MEDIAN = Math.log(60);
const VALOR_LOG_SIGMA = 1.4;
// About 1 payment in 100 is a large transfer (rent, suppliers, a car), spread
// log-uniformly between R$ 1,000 and R$ 50,000.
const LARGE_VALOR_ONE_IN = 100;
const LARGE_VALOR_MIN = 1_000;
const VALOR_MIN = 0.01;
const VALOR_MAX = 50_000;

function rawValor(): number {
  if (cryptoRandomInt(LARGE_VALOR_ONE_IN) === 0) {
    return LARGE_VALOR_MIN * (VALOR_MAX / LARGE_VALOR_MIN) ** randomUnitOpen();
  }
  return Math.exp(VALOR_LOG_MEDIAN + VALOR_LOG_SIGMA * randomStandardNormal());
}

/**
 * A realistic PIX amount in reais, rounded to cents (e.g. 150.75).
 * Always within [0.01, 50,000], which is inside the protocol limit of 9,999,999,999.99.
 */
export function randomValor(): number {
  const clamped = Math.min(VALOR_MAX, Math.max(VALOR_MIN, rawValor()));
  // Dividing an integer number of cents by 100 yields the double closest to the
  // two-decimal value, so it prints without binary noise.
  return Math.round(clamped * 100) / 100;
}
