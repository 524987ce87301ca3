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
import type { PixMessage } from './message.js';
import {
  CAMT060_MSG_DEF_IDR, CAMT060_NAMESPACE, PACS002_MSG_DEF_IDR, PACS002_NAMESPACE, PACS004_MSG_DEF_IDR, PACS004_NAMESPACE,
  PACS008_MSG_DEF_IDR, PACS008_NAMESPACE, PIBR001_MSG_DEF_IDR, PIBR001_NAMESPACE,
} from './message.js'; // prettier-ignore
import { readStatusReport, type StatusReport } from './pacs002-read.js';
import { readPaymentReturn, type PaymentReturn } from './pacs004-read.js';
import { pacs008FromEnvelope, type LocalInstrument } from './pacs008-read.js';
import { readAccountQuery, readEchoRequest, type AccountQuery, type EchoRequest } from './query-read.js';
import { BIZ_MSG_IDR, dateTime, el, Iso20022ReadError, parse, readAppHdr, text, type EnvelopeHeader, type Node } from './read.js';

export type { EnvelopeHeader } from './read.js';
export { Iso20022ReadError } from './read.js';

export type InboundKind = 'pacs.008' | 'pacs.002' | 'pacs.004' | 'camt.060' | 'pibr.001';

type Read = { kind: 'pacs.008'; header: EnvelopeHeader; message: PixMessage; localInstrument: LocalInstrument } | StatusReport | PaymentReturn | AccountQuery | EchoRequest;

export type InboundMessage = Read & {
  /** The document as read, and its parsed tree, for handing it on (forward.ts). */
  xml: string;
  envelope: Node;
};

const E = 'Envelope';

interface Kind {
  kind: InboundKind;
  namespace: string;
  /** The element under Document. */
  root: string;
  read?: (body: Node, path: string, header: EnvelopeHeader) => Read;
}

const KINDS: Record<string, Kind> = {
  [PACS008_MSG_DEF_IDR]: { kind: 'pacs.008', namespace: PACS008_NAMESPACE, root: 'FIToFICstmrCdtTrf' },
  [PACS002_MSG_DEF_IDR]: { kind: 'pacs.002', namespace: PACS002_NAMESPACE, root: 'FIToFIPmtStsRpt', read: readStatusReport },
  [PACS004_MSG_DEF_IDR]: { kind: 'pacs.004', namespace: PACS004_NAMESPACE, root: 'PmtRtr', read: readPaymentReturn },
  [CAMT060_MSG_DEF_IDR]: { kind: 'camt.060', namespace: CAMT060_NAMESPACE, root: 'AcctRptgReq', read: readAccountQuery },
  [PIBR001_MSG_DEF_IDR]: { kind: 'pibr.001', namespace: PIBR001_NAMESPACE, root: 'EchoReq', read: readEchoRequest },
};

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
  const read: Read = kind.read ? kind.read(body, path, header) : { kind: 'pacs.008', ...pacs008FromEnvelope(env) };
  return { ...read, xml, envelope: env };
}
