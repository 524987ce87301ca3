import { isIspb } from './formats.js';
import { randomAlphanumeric, randomInt } from './random.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** yyyyMMddHHmm in UTC, as used inside an end-to-end id. */
function utcMinuteStamp(at: Date): string {
  return (
    pad(at.getUTCFullYear(), 4) +
    pad(at.getUTCMonth() + 1, 2) +
    pad(at.getUTCDate(), 2) +
    pad(at.getUTCHours(), 2) +
    pad(at.getUTCMinutes(), 2)
  );
}

/** E + payer ISPB + UTC yyyyMMddHHmm + 11 random alphanumerics (32 characters). */
export function endToEndId(payerIspb: string, at: Date): string {
  if (!isIspb(payerIspb)) {
    throw new RangeError(`invalid ISPB: ${payerIspb}`);
  }
  const year = at.getUTCFullYear();
  if (Number.isNaN(at.getTime()) || year < 0 || year > 9999) {
    throw new RangeError('endToEndId needs a valid date with a four-digit year');
  }
  return `E${payerIspb}${utcMinuteStamp(at)}${randomAlphanumeric(11)}`;
}

/** A charge identifier: 26 to 35 random alphanumerics. */
export function txId(): string {
  return randomAlphanumeric(randomInt(26, 35));
}
