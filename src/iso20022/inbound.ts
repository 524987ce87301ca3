/**
 * Reads one message a participant posts to ICOM: a pacs.008 (a payment), a
 * pacs.002 (its answer to a payment: accepted or rejected) or a pacs.004 (a
 * return), each in its catalogue 5.13 version (message.ts).
 *
 * The kind comes from AppHdr/MsgDefIdr, and the Envelope's namespace must
 * name the same message and version: the SPI carries the version in both
 * places, and a document where they disagree is not any one version's.
 * read.ts parses once and refuses hostile input; each kind then checks what
 * it returns. Common to all: GrpHdr/MsgId must equal AppHdr/BizMsgIdr (the
 * catalogue gives them the same value), one transaction per message (NbOfTxs
 * 1 where the message has it: ICOM's participants send one at a time, and
 * we return one result). Ids follow the catalogue's patterns (ids.ts),
 * amounts are positive BRL in whole cents, reason codes 2-4 [A-Z0-9].
 * The pacs.008 rules are readPacs008's own, unchanged.
 * Every refusal is an Iso20022ReadError naming the problem and the XML path.
 */
import { REASON_CODE } from './envelope.js';
import { END_TO_END_ID_PATTERN, RETURN_ID_PATTERN } from './ids.js';
import type { PixMessage } from './message.js';
import { PACS002_MSG_DEF_IDR, PACS002_NAMESPACE, PACS004_MSG_DEF_IDR, PACS004_NAMESPACE, PACS008_MSG_DEF_IDR, PACS008_NAMESPACE } from './message.js';
import { pacs008FromEnvelope, type LocalInstrument } from './pacs008-read.js';
import { amountBRL, BIZ_MSG_IDR, dateTime, el, has, Iso20022ReadError, parse, readAppHdr, text, type EnvelopeHeader, type Node } from './read.js';

export type { EnvelopeHeader } from './read.js';
export { Iso20022ReadError } from './read.js';

export type InboundKind = 'pacs.008' | 'pacs.002' | 'pacs.004';

type Read =
  | { kind: 'pacs.008'; header: EnvelopeHeader; message: PixMessage; localInstrument: LocalInstrument }
  | { kind: 'pacs.002'; header: EnvelopeHeader; originalEndToEndId: string; status: 'ACSP' | 'RJCT'; reason: string | null }
  | { kind: 'pacs.004'; header: EnvelopeHeader; returnId: string; originalEndToEndId: string; amount: number; reason: string };

export type InboundMessage = Read & {
  /** The document as read, and its parsed tree, for handing it on (forward.ts). */
  xml: string;
  envelope: Node;
};

/** OrgnlInstrId: the EndToEndId of a payment, or the RtrId of a return, reported on. */
const INSTRUCTION_ID = new RegExp(`${END_TO_END_ID_PATTERN.source}|${RETURN_ID_PATTERN.source}`);
const E = 'Envelope';

interface Kind {
  kind: InboundKind;
  namespace: string;
  /** The element under Document. */
  root: string;
}

const KINDS: Record<string, Kind> = {
  [PACS008_MSG_DEF_IDR]: { kind: 'pacs.008', namespace: PACS008_NAMESPACE, root: 'FIToFICstmrCdtTrf' },
  [PACS002_MSG_DEF_IDR]: { kind: 'pacs.002', namespace: PACS002_NAMESPACE, root: 'FIToFIPmtStsRpt' },
  [PACS004_MSG_DEF_IDR]: { kind: 'pacs.004', namespace: PACS004_NAMESPACE, root: 'PmtRtr' },
};

function statusReport(body: Node, path: string, header: EnvelopeHeader): Read {
  const X = `${path}/TxInfAndSts`;
  const tx = el(body, path, 'TxInfAndSts');
  if (has(tx, 'OrgnlInstrId', X)) text(tx, X, ['OrgnlInstrId'], INSTRUCTION_ID);
  const originalEndToEndId = text(tx, X, ['OrgnlEndToEndId'], END_TO_END_ID_PATTERN);
  // Participants answer a payment with ACSP or RJCT; ACSC and ACCC are the SPI's own, sent after settlement.
  const status = text(tx, X, ['TxSts'], /^(ACSP|RJCT)$/) as 'ACSP' | 'RJCT';
  if (status === 'ACSP') {
    // A reason on an acceptance contradicts it: refused rather than dropped, so the sender learns of its bug.
    if (has(tx, 'StsRsnInf', X)) throw new Iso20022ReadError('invalid', `${X}/StsRsnInf`, 'ACSP carries no status reason');
    return { kind: 'pacs.002', header, originalEndToEndId, status, reason: null };
  }
  const reason = text(tx, X, ['StsRsnInf', 'Rsn', 'Cd'], REASON_CODE);
  return { kind: 'pacs.002', header, originalEndToEndId, status, reason };
}

function paymentReturn(body: Node, path: string, header: EnvelopeHeader): Read {
  text(body, path, ['GrpHdr', 'NbOfTxs'], /^1$/);
  const X = `${path}/TxInf`;
  const tx = el(body, path, 'TxInf');
  return {
    kind: 'pacs.004',
    header,
    returnId: text(tx, X, ['RtrId'], RETURN_ID_PATTERN),
    originalEndToEndId: text(tx, X, ['OrgnlEndToEndId'], END_TO_END_ID_PATTERN),
    amount: amountBRL(tx, X, 'RtrdIntrBkSttlmAmt'),
    reason: text(tx, X, ['RtrRsnInf', 'Rsn', 'Cd'], REASON_CODE),
  };
}

/** The MsgDefIdrs a participant may post: ICOM's in catalogue. */
export const INBOUND_MSG_DEF_IDRS: readonly string[] = Object.keys(KINDS);

/** Parses one posted message, tells its kind from AppHdr/MsgDefIdr (namespace must agree with it), validates it. Throws Iso20022ReadError naming the field. */
export function readInbound(xml: string): InboundMessage {
  const env = parse(xml);
  const msgDefIdr = text(env, E, ['AppHdr', 'MsgDefIdr']);
  const kind = KINDS[msgDefIdr];
  if (kind === undefined) {
    throw new Iso20022ReadError('wrong-message', `${E}/AppHdr/MsgDefIdr`, `${JSON.stringify(msgDefIdr.slice(0, 60))} is not one of ${Object.keys(KINDS).join(', ')}`);
  }
  if (env.ns !== kind.namespace) {
    throw new Iso20022ReadError('wrong-message', E, `${msgDefIdr} needs the namespace ${kind.namespace}, not ${env.ns || 'none'}`);
  }
  const header = readAppHdr(env, msgDefIdr);
  const path = `${E}/Document/${kind.root}`;
  const body = el(env, E, 'Document', kind.root);
  const msgId = text(body, path, ['GrpHdr', 'MsgId'], BIZ_MSG_IDR);
  if (msgId !== header.bizMsgIdr) throw new Iso20022ReadError('invalid', `${path}/GrpHdr/MsgId`, 'must equal AppHdr/BizMsgIdr');
  dateTime(body, path, ['GrpHdr', 'CreDtTm']);
  const read = (): Read => {
    switch (kind.kind) {
      case 'pacs.008':
        return { kind: 'pacs.008', ...pacs008FromEnvelope(env) };
      case 'pacs.002':
        return statusReport(body, path, header);
      case 'pacs.004':
        return paymentReturn(body, path, header);
    }
  };
  return { ...read(), xml, envelope: env };
}
