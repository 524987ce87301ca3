/** Path parameters both faces share; every failure is a 400 naming the bad part. */
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { BadRequest, NotFound } from './errors.js';

export function truncate(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}

export function parseUuidV4(raw: string, what: string): string {
  if (!isUuid(raw) || uuidVersion(raw) !== 4) throw new BadRequest(`${what} must be a UUID v4, got "${truncate(raw)}"`);
  return raw.toLowerCase();
}

export function parseIterationId(raw: string, header: string): string {
  // Routes are case-sensitive: /stream/STOP is no route (404), not a malformed iteration id.
  if (/^(start|stop)$/i.test(raw)) throw new NotFound(`No route /stream/${raw}; paths are case-sensitive`);
  return parseUuidV4(raw, `Iteration id (the last segment of a ${header} URI)`);
}

/** Weights of an Accept header, by lower-cased media range; a range with q=0 is refused, not wanted. */
export function acceptRanges(accept: string | undefined): Map<string, number> {
  const ranges = new Map<string, number>();
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (!type) continue;
    const q = params.find((param) => param.startsWith('q='));
    ranges.set(type, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return ranges;
}
