/**
 * Renders a payment status report, pacs.002 version 1.17 (SPI catalogue
 * 5.13; namespace and MsgDefIdr in message.ts), in the shape of the
 * catalogue's pacs.002.spi.1.17 schema:
 *
 *   <Document><FIToFIPmtStsRpt>
 *     <GrpHdr> MsgId (= BizMsgIdr), CreDtTm (= CreDt)
 *     <TxInfAndSts> OrgnlInstrId, OrgnlEndToEndId, TxSts, StsRsnInf (Rsn/Cd, AddtlInf)
 *                   when RJCT, FctvIntrBkSttlmDt/DtTm and OrgnlTxRef/IntrBkSttlmDt when settled
 *
 * Participants answer with ACSP or RJCT; the SPI reports ACSC (to the payer)
 * and ACCC (to the receiver) with the settlement's time and accounting date,
 * or RJCT with its reason, as in the catalogue's example pacs.002_SPI_1_msg.xml.
 * OrgnlInstrId is the EndToEndId of a transfer reported on, or the RtrId of a
 * return. RJCT must carry a reason and nothing else may; a settlement report
 * must carry its time: mistakes are refused with RangeError rather than
 * written. Deterministic: the caller supplies ids and times.
 */
import { renderEnvelope, createdText, type EnvelopeFields } from './envelope.js';
import { END_TO_END_ID_PATTERN, RETURN_ID_PATTERN } from './ids.js';
import { PACS002_MSG_DEF_IDR, PACS002_NAMESPACE } from './message.js';
import { PACS002_REASONS } from './reasons.js';
import { escapeText as x, stripInvalidXmlChars } from './xml.js';

export type Pacs002Status = 'ACSP' | 'RJCT' | 'ACSC' | 'ACCC';

export interface Pacs002Report {
  /** EndToEndId of the payment reported on (for a return: the payment returned). */
  originalEndToEndId: string;
  /** OrgnlInstrId: the RtrId of a return reported on; the EndToEndId when absent. */
  originalInstructionId?: string;
  /** ACSP / RJCT: a participant's answer; ACSC / ACCC / RJCT: the SPI's report. */
  status: Pacs002Status;
  /** StsRsnInf/Rsn/Cd: required with RJCT, absent otherwise. */
  reason?: string | null;
  /** StsRsnInf/AddtlInf (Max105Text) beside the reason. */
  additionalInfo?: string;
  /** The settlement's instant: required with ACSC and ACCC. */
  settledAt?: Date;
}

/** The SPI's accounting date of an instant: the calendar date in Brasília (UTC-3, no daylight saving since 2019). */
export function accountingDate(at: Date): string {
  return new Date(at.getTime() - 3 * 3600_000).toISOString().slice(0, 10);
}

function statusReason(reason: string, additionalInfo: string | undefined): string {
  const info = additionalInfo === undefined ? '' : stripInvalidXmlChars(additionalInfo).slice(0, 105);
  return `<StsRsnInf><Rsn><Cd>${reason}</Cd></Rsn>${info === '' ? '' : `<AddtlInf>${x(info)}</AddtlInf>`}</StsRsnInf>`;
}

export function renderPacs002(report: Pacs002Report, header: EnvelopeFields): string {
  const { originalEndToEndId: e2e, status } = report;
  const instruction = report.originalInstructionId ?? e2e;
  const reason = report.reason ?? null;
  if (!END_TO_END_ID_PATTERN.test(e2e)) throw new RangeError(`originalEndToEndId ${JSON.stringify(e2e)} is not an EndToEndId`);
  if (instruction !== e2e && !RETURN_ID_PATTERN.test(instruction)) throw new RangeError(`originalInstructionId ${JSON.stringify(instruction)} is not a RtrId`);
  if (!['ACSP', 'RJCT', 'ACSC', 'ACCC'].includes(status)) throw new RangeError(`status ${JSON.stringify(status)} is not a pacs.002 status`);
  if (status === 'RJCT' && (reason === null || !PACS002_REASONS.has(reason))) throw new RangeError(`RJCT needs a reason code of the catalogue, got ${JSON.stringify(reason)}`);
  if (status !== 'RJCT' && (reason !== null || report.additionalInfo !== undefined)) throw new RangeError(`${status} carries no reason, got ${JSON.stringify(reason)}`);
  const settled = status === 'ACSC' || status === 'ACCC';
  if (settled !== (report.settledAt !== undefined)) throw new RangeError(`${status} ${settled ? 'needs' : 'carries no'} settlement time`);
  // Ids and code matched their [A-Za-z0-9] patterns: nothing in them to escape.
  const rsn = reason === null ? '' : statusReason(reason, report.additionalInfo);
  const settlement = report.settledAt
    ? `<FctvIntrBkSttlmDt><DtTm>${report.settledAt.toISOString()}</DtTm></FctvIntrBkSttlmDt><OrgnlTxRef><IntrBkSttlmDt>${accountingDate(report.settledAt)}</IntrBkSttlmDt></OrgnlTxRef>`
    : '';
  return renderEnvelope(
    PACS002_NAMESPACE,
    PACS002_MSG_DEF_IDR,
    header,
    `<FIToFIPmtStsRpt>` +
      `<GrpHdr><MsgId>${x(header.bizMsgIdr)}</MsgId><CreDtTm>${createdText(header)}</CreDtTm></GrpHdr>` +
      `<TxInfAndSts><OrgnlInstrId>${instruction}</OrgnlInstrId><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId><TxSts>${status}</TxSts>${rsn}${settlement}</TxInfAndSts>` +
      `</FIToFIPmtStsRpt>`,
  );
}
