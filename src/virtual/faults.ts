/**
 * Faults a participant under test asks for (PUT /api/util/faults/{ispb}),
 * met by its own ICOM requests only (http/icom/faults.ts). JSON, every field
 * optional:
 *
 *   throttle     {share, burst, retryAfterS}: a share of requests start a burst of `burst`
 *                429s (this one and the next burst-1), with Retry-After
 *   unavailable  {forS, retryAfterS}: every request answered 503 for forS seconds from the PUT
 *   latencyMs    added before every request is handled
 *   resetShare   share of answers whose connection is reset halfway through the body
 *   redeliveryShare  share of stream pulls whose stream is ended before they are served,
 *                its unacknowledged batch released to the next stream (410 to this pull)
 *   lateAb03S    the SPI's AB03 reports to this participant are held back this long
 */
export interface Faults {
  throttle: { share: number; burst: number; retryAfterS: number } | null;
  unavailable: { forS: number; retryAfterS: number } | null;
  latencyMs: number;
  resetShare: number;
  redeliveryShare: number;
  lateAb03S: number;
}

export type FaultName = 'throttle' | 'unavailable' | 'latency' | 'reset' | 'redelivery' | 'lateAb03';

export class FaultsError extends Error {}

const KNOWN = ['throttle', 'unavailable', 'latencyMs', 'resetShare', 'redeliveryShare', 'lateAb03S'];

function number(value: unknown, name: string, min: number, max: number, fallback: number, whole = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= min && value <= max) || (whole && !Number.isInteger(value))) {
    throw new FaultsError(`${name} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function object(value: unknown, name: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new FaultsError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

export function parseFaults(body: unknown): Faults {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FaultsError('the faults must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((key) => !KNOWN.includes(key));
  if (unknown !== undefined) throw new FaultsError(`unknown field ${JSON.stringify(unknown)}; known: ${KNOWN.join(', ')}`);
  const throttle = object(b.throttle, 'throttle');
  const unavailable = object(b.unavailable, 'unavailable');
  return {
    throttle: throttle && {
      share: number(throttle.share, 'throttle.share', 0, 1, 1),
      burst: number(throttle.burst, 'throttle.burst', 1, 10_000, 1, true),
      retryAfterS: number(throttle.retryAfterS, 'throttle.retryAfterS', 1, 3600, 1, true),
    },
    unavailable: unavailable && {
      forS: number(unavailable.forS ?? -1, 'unavailable.forS', 1, 86_400, 0, true),
      retryAfterS: number(unavailable.retryAfterS, 'unavailable.retryAfterS', 1, 3600, 1, true),
    },
    latencyMs: number(b.latencyMs, 'latencyMs', 0, 60_000, 0, true),
    resetShare: number(b.resetShare, 'resetShare', 0, 1, 0),
    redeliveryShare: number(b.redeliveryShare, 'redeliveryShare', 0, 1, 0),
    lateAb03S: number(b.lateAb03S, 'lateAb03S', 0, 86_400, 0, true),
  };
}
