/** Parsing of path segments and headers; every failure is a 400 that names the bad part. */
import { isIspb } from '../../generation/rules/formats.js';
import { BadRequest } from '../errors.js';
import { acceptRanges, parseIterationId as parseIteration, parseUuidV4, truncate } from '../params.js';
import { PULL_NEXT } from './format.js';

export const MULTIPART_JSON = 'multipart/json';
/** Messages per reply when the collector accepts multipart/json (the protocol's maximum). */
export const MULTIPART_BATCH_SIZE = 10;

export function parseIspb(raw: string): string {
  if (!isIspb(raw)) throw new BadRequest(`ISPB must be exactly 8 digits, got "${truncate(raw)}"`);
  return raw;
}

/** The largest generator request; above GENERATE_SYNC_MAX it runs as a background job. */
export const MAX_GENERATION = 10_000_000;

export function parseIterationId(raw: string): string {
  return parseIteration(raw, PULL_NEXT);
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
  return (acceptRanges(accept).get(MULTIPART_JSON) ?? 0) > 0;
}

/** A participant's ISPB on the routes about the SPI (reserve accounts): 8 of [0-9A-Z], as on the ICOM face (99999A04). */
export function parseParticipantIspb(raw: string): string {
  if (!/^[0-9A-Z]{8}$/.test(raw)) throw new BadRequest(`ISPB must be 8 characters of 0-9 and A-Z, got "${truncate(raw)}"`);
  return raw;
}

/** A calendar day YYYY-MM-DD (a query parameter named `name`), or undefined when absent. */
export function parseDay(raw: unknown, name: string): string | undefined {
  if (raw === undefined) return undefined;
  const day = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : '';
  if (!day || new Date(`${day}T00:00:00.000Z`).toISOString().slice(0, 10) !== day) throw new BadRequest(`${name} must be a date YYYY-MM-DD, got "${truncate(String(raw))}"`);
  return day;
}
