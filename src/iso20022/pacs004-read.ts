/** A participant's return (pacs.004 1.5) as readInbound reads it: one return, of part or all of a payment, with a reason of the catalogue. */
import { END_TO_END_ID_PATTERN, RETURN_ID_PATTERN } from './ids.js';
import { amountBRL, el, text, type EnvelopeHeader, type Node } from './read.js';
import { PACS004_REASONS, reasonRule } from './reasons.js';

export interface PaymentReturn {
  kind: 'pacs.004';
  header: EnvelopeHeader;
  returnId: string;
  originalEndToEndId: string;
  amount: number;
  reason: string;
}

const REASON = reasonRule(PACS004_REASONS);

export function readPaymentReturn(body: Node, path: string, header: EnvelopeHeader): PaymentReturn {
  text(body, path, ['GrpHdr', 'NbOfTxs'], /^1$/);
  const X = `${path}/TxInf`;
  const tx = el(body, path, 'TxInf');
  return {
    kind: 'pacs.004',
    header,
    returnId: text(tx, X, ['RtrId'], RETURN_ID_PATTERN),
    originalEndToEndId: text(tx, X, ['OrgnlEndToEndId'], END_TO_END_ID_PATTERN),
    amount: amountBRL(tx, X, 'RtrdIntrBkSttlmAmt'),
    reason: text(tx, X, ['RtrRsnInf', 'Rsn', 'Cd'], REASON),
  };
}
