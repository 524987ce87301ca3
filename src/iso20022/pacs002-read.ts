/**
 * A participant's payment status report (pacs.002 1.17) as readInbound reads
 * it: its answer to a payment or a return the SPI forwarded to it, ACSP or
 * RJCT with one of the catalogue's reason codes. OrgnlInstrId names what is
 * answered (the EndToEndId of a payment, the RtrId of a return); when it is
 * left out the EndToEndId stands for it. ACSC and ACCC are the SPI's own.
 */
import { END_TO_END_ID_PATTERN, RETURN_ID_PATTERN } from './ids.js';
import { el, has, Iso20022ReadError, optionalText, text, type EnvelopeHeader, type Node } from './read.js';
import type { Pacs002Status } from './pacs002.js';
import { PACS002_REASONS, reasonRule } from './reasons.js';

export interface StatusReport<S extends Pacs002Status = 'ACSP' | 'RJCT'> {
  kind: 'pacs.002';
  header: EnvelopeHeader;
  originalEndToEndId: string;
  /** The EndToEndId of a payment or the RtrId of a return answered. */
  originalInstructionId: string;
  status: S;
  reason: string | null;
}

/** OrgnlInstrId: the EndToEndId of a payment, or the RtrId of a return, reported on. */
const INSTRUCTION_ID = new RegExp(`${END_TO_END_ID_PATTERN.source}|${RETURN_ID_PATTERN.source}`);
const REASON = reasonRule(PACS002_REASONS);

/** `statuses`: what the reader takes, by default a participant's answers; delivered-read.ts takes the SPI's too. */
export function readStatusReport<S extends Pacs002Status = 'ACSP' | 'RJCT'>(body: Node, path: string, header: EnvelopeHeader, statuses: readonly S[] = ['ACSP', 'RJCT'] as S[]): StatusReport<S> {
  const X = `${path}/TxInfAndSts`;
  const tx = el(body, path, 'TxInfAndSts');
  const instruction = optionalText(tx, X, ['OrgnlInstrId'], INSTRUCTION_ID);
  const originalEndToEndId = text(tx, X, ['OrgnlEndToEndId'], END_TO_END_ID_PATTERN);
  if (instruction?.startsWith('E') && instruction !== originalEndToEndId) {
    throw new Iso20022ReadError('invalid', `${X}/OrgnlInstrId`, 'an answer to a payment names its EndToEndId in both OrgnlInstrId and OrgnlEndToEndId');
  }
  const base = { kind: 'pacs.002' as const, header, originalEndToEndId, originalInstructionId: instruction ?? originalEndToEndId };
  // Participants answer with ACSP or RJCT; ACSC and ACCC are the SPI's own, sent after settlement.
  const status = text(tx, X, ['TxSts'], new RegExp(`^(${statuses.join('|')})$`)) as S;
  if (status !== 'RJCT') {
    // A reason on an acceptance contradicts it: refused rather than dropped, so the sender learns of its bug.
    if (has(tx, 'StsRsnInf', X)) throw new Iso20022ReadError('invalid', `${X}/StsRsnInf`, `${status} carries no status reason`);
    return { ...base, status, reason: null };
  }
  return { ...base, status, reason: text(tx, X, ['StsRsnInf', 'Rsn', 'Cd'], REASON) };
}
