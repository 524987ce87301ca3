/** Parsing of path segments and headers; every failure is a 400 that names the bad part. */
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { isIspb } from '../../generation/rules/formats.js';
import { BadRequest, NotFound } from '../errors.js';

export const MULTIPART_JSON = 'multipart/json';
/** Messages per reply when the collector accepts multipart/json (the protocol's maximum). */
export const MULTIPART_BATCH_SIZE = 10;

export function parseIspb(raw: string): string {
  if (!isIspb(raw)) throw new BadRequest(`ISPB must be exactly 8 digits, got "${truncate(raw)}"`);
  return raw;
}

/** The largest generator request; above GENERATE_SYNC_MAX it runs as a background job. */
export const MAX_GENERATION = 10_000_000;

function parseUuidV4(raw: string, what: string): string {
  if (!isUuid(raw) || uuidVersion(raw) !== 4) throw new BadRequest(`${what} must be a UUID v4, got "${truncate(raw)}"`);
  return raw.toLowerCase();
}

export function parseIterationId(raw: string): string {
  // Routes are case-sensitive: /stream/STOP is no route (404), not a malformed iteration id.
  if (/^(start|stop)$/i.test(raw)) throw new NotFound(`No route /stream/${raw}; paths are case-sensitive (start, stop)`);
  return parseUuidV4(raw, 'Iteration id (the last segment of a Pull-Next URI)');
}

export function parseJobId(raw: string): string {
  return parseUuidV4(raw, 'Job id');
}

export function parseMessageCount(raw: string, max: number): number {
  const count = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new BadRequest(`Number of messages must be an integer from 1 to ${max}, got "${truncate(raw)}"`);
  }
  return count;
}

/** An Accept naming multipart/json (with parameters, among other types) asks for batches; q=0 refuses it. */
export function acceptsMultipart(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== MULTIPART_JSON) return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function truncate(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}
