/**
 * Renders a payment status report, pacs.002 version 1.17 (SPI catalogue
 * 5.13; namespace and MsgDefIdr in message.ts), in the shape of the
 * catalogue's pacs.002.spi.1.17 schema:
 *
 *   <Document><FIToFIPmtStsRpt>
 *     <GrpHdr> MsgId (= BizMsgIdr), CreDtTm (= CreDt)
 *     <TxInfAndSts> OrgnlInstrId, OrgnlEndToEndId, TxSts, StsRsnInf/Rsn/Cd when RJCT
 *
 * No OrgnlGrpInfAndSts: the SPI's pacs.002 has none. OrgnlInstrId is
 * required by the 1.17 schema and, for the report on a pacs.008, repeats the
 * EndToEndId (for a report on a pacs.004 it would be the RtrId, which this
 * API does not carry). ACSP carries no reason and RJCT must carry one: a
 * reason on an acceptance contradicts it, so both mistakes are refused with
 * RangeError rather than written. Deterministic: the caller supplies ids and
 * times.
 */
import { renderEnvelope, createdText, REASON_CODE, type EnvelopeFields } from './envelope.js';
import { END_TO_END_ID_PATTERN } from './ids.js';
import { PACS002_MSG_DEF_IDR, PACS002_NAMESPACE } from './message.js';
import { escapeText as x } from './xml.js';

export interface Pacs002Report {
  /** EndToEndId of the payment reported on. */
  originalEndToEndId: string;
  /** ACSP: accepted, settlement in process; RJCT: rejected. */
  status: 'ACSP' | 'RJCT';
  /** StsRsnInf/Rsn/Cd: required with RJCT, absent with ACSP. */
  reason?: string | null;
}

export function renderPacs002(report: Pacs002Report, header: EnvelopeFields): string {
  const { originalEndToEndId: e2e, status } = report;
  const reason = report.reason ?? null;
  if (!END_TO_END_ID_PATTERN.test(e2e)) throw new RangeError(`originalEndToEndId ${JSON.stringify(e2e)} is not an EndToEndId`);
  if (status !== 'ACSP' && status !== 'RJCT') throw new RangeError(`status ${JSON.stringify(status)} is not ACSP or RJCT`);
  if (status === 'RJCT' && (reason === null || !REASON_CODE.test(reason))) throw new RangeError(`RJCT needs a reason code, got ${JSON.stringify(reason)}`);
  if (status === 'ACSP' && reason !== null) throw new RangeError(`ACSP carries no reason, got ${JSON.stringify(reason)}`);
  // Both ids and the code matched their [A-Za-z0-9] patterns: nothing in them to escape.
  const rsn = reason === null ? '' : `<StsRsnInf><Rsn><Cd>${reason}</Cd></Rsn></StsRsnInf>`;
  return renderEnvelope(
    PACS002_NAMESPACE,
    PACS002_MSG_DEF_IDR,
    header,
    `<FIToFIPmtStsRpt>` +
      `<GrpHdr><MsgId>${x(header.bizMsgIdr)}</MsgId><CreDtTm>${createdText(header)}</CreDtTm></GrpHdr>` +
      `<TxInfAndSts><OrgnlInstrId>${e2e}</OrgnlInstrId><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId><TxSts>${status}</TxSts>${rsn}</TxInfAndSts>` +
      `</FIToFIPmtStsRpt>`,
  );
}
