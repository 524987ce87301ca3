/*
 * Format validators for PIX message fields. Input validation and tests share
 * these so that "valid" means the same thing everywhere. They accept unknown
 * values because request bodies are untyped JSON.
 */

const ISPB = /^\d{8}$/;
// E + payer ISPB + yyyyMMddHHmm (UTC) + 11 alphanumeric characters = 32 characters.
const END_TO_END_ID = /^E(\d{8})(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})[A-Za-z0-9]{11}$/;
const TX_ID = /^[A-Za-z0-9]{26,35}$/;
const AGENCIA = /^\d{1,4}$/;
const CONTA_TRANSACIONAL = /^\d{1,20}$/;

/** Upper bound (exclusive) for an amount: the protocol allows up to 9,999,999,999.99. */
const VALOR_LIMIT = 1e10;

/** Account types: current (CACC), savings (SVGS), salary (SLRY), payment account (TRAN). */
export const TIPOS_CONTA = ['CACC', 'SVGS', 'SLRY', 'TRAN'] as const;
export type TipoConta = (typeof TIPOS_CONTA)[number];

function matches(pattern: RegExp, s: unknown): boolean {
  return typeof s === 'string' && pattern.test(s);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return isLeapYear(year) ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDateTime(year: number, month: number, day: number, hour: number, minute: number): boolean {
  return (
    month >= 1 && month <= 12 &&
    day >= 1 && day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59
  );
}

/** Exactly 8 digits. */
export function isIspb(s: unknown): boolean {
  return matches(ISPB, s);
}

/** E + 8-digit ISPB + a real UTC yyyyMMddHHmm + 11 alphanumerics (32 characters). */
export function isEndToEndId(s: unknown): boolean {
  if (typeof s !== 'string') {
    return false;
  }
  const m = END_TO_END_ID.exec(s);
  if (m === null) {
    return false;
  }
  const [year, month, day, hour, minute] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  return isRealDateTime(year, month, day, hour, minute);
}

/** 26 to 35 alphanumeric characters. */
export function isTxId(s: unknown): boolean {
  return matches(TX_ID, s);
}

/** Branch number: 1 to 4 digits. */
export function isAgencia(s: unknown): boolean {
  return matches(AGENCIA, s);
}

/** Account number: 1 to 20 digits. */
export function isContaTransacional(s: unknown): boolean {
  return matches(CONTA_TRANSACIONAL, s);
}

export function isTipoConta(s: unknown): s is TipoConta {
  return typeof s === 'string' && (TIPOS_CONTA as readonly string[]).includes(s);
}

/** A finite amount greater than zero, below 1e10, with at most two decimal places. */
export function isValor(n: unknown): boolean {
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n >= VALOR_LIMIT) {
    return false;
  }
  // A two-decimal amount is the double nearest to some whole number of cents;
  // rounding to cents and back must give the same number.
  return Math.round(n * 100) / 100 === n;
}
