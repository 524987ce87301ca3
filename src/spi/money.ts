/**
 * Reserve-account money is whole cents, kept as integers (bigint columns,
 * JavaScript numbers, exact up to 2^53 cents): never a float of reais.
 * Amounts cross the API as decimal strings with two places ("1000000.00").
 */
const DECIMAL = /^(0|[1-9][0-9]{0,12})\.([0-9]{2})$/;

/** "123.45" → 12345; undefined for anything else (no sign, exactly two decimals, at most 13 digits of reais). */
export function parseCents(text: string): number | undefined {
  const match = DECIMAL.exec(text);
  return match ? Number(match[1]) * 100 + Number(match[2]) : undefined;
}

export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** A message's amount in reais (two decimals at most, as readInbound returns it) in cents. */
export function centsOf(reais: number): number {
  return Math.round(reais * 100);
}
