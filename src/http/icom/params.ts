/**
 * ICOM's parameters: the participant (ISPB, [0-9A-Z]{8} on this interface)
 * and the representation the Accept header asks for. Failures are 400 and
 * 406, answered as problem+xml by the face.
 */
import { BadRequest, NotAcceptable } from '../errors.js';
import { acceptRanges, parseIterationId, truncate } from '../params.js';
import { PI_PULL_NEXT } from './format.js';

export const APPLICATION_XML = 'application/xml';
export const MULTIPART_MIXED = 'multipart/mixed';
/** Messages per answer with multipart/mixed: the interface's maximum. */
export const ICOM_BATCH_SIZE = 10;

/** An ISPB as this face writes it; the participant guard reads client certificates by the same rule. */
export const PARTICIPANT = /^[0-9A-Z]{8}$/;

/** The face's one ISPB rule: the routes answer 400 outside it, and the traffic limit charges nothing outside it. */
export function isParticipant(raw: string): boolean {
  return PARTICIPANT.test(raw);
}

export function parseParticipant(raw: string): string {
  if (!isParticipant(raw)) throw new BadRequest(`ISPB must be 8 characters of 0-9 and A-Z, got "${truncate(raw)}"`);
  return raw;
}

export function parseIcomIterationId(raw: string): string {
  return parseIterationId(raw, PI_PULL_NEXT);
}

/**
 * How many messages one answer may hold. multipart/mixed (or multipart/*)
 * asks for batches; no Accept, application/xml, application/* or * / * for one
 * message; anything else cannot be answered: 406.
 */
export function negotiateBatchSize(accept: string | undefined): number {
  if (accept === undefined || accept.trim() === '') return 1;
  const ranges = acceptRanges(accept);
  const wants = (...types: string[]) => types.some((type) => (ranges.get(type) ?? 0) > 0);
  if (wants(MULTIPART_MIXED, 'multipart/*')) return ICOM_BATCH_SIZE;
  if (wants(APPLICATION_XML, 'application/*', '*/*')) return 1;
  throw new NotAcceptable(`This stream answers ${APPLICATION_XML} or ${MULTIPART_MIXED}; Accept was "${truncate(accept)}"`);
}
