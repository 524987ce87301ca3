/**
 * Renders a payment return, pacs.004 version 1.5 (SPI catalogue 5.13;
 * namespace and MsgDefIdr in message.ts), in the shape of the catalogue's
 * pacs.004.spi.1.5 schema and Bacen's example pacs.004_SPI_1_msg.xml:
 *
 *   <Document><PmtRtr>
 *     <GrpHdr> MsgId (= BizMsgIdr), CreDtTm (= CreDt), NbOfTxs 1, SttlmInf/SttlmMtd CLRG
 *     <TxInf> RtrId, OrgnlEndToEndId, RtrdIntrBkSttlmAmt Ccy=BRL, SttlmPrty HIGH,
 *             ChrgBr SLEV, RtrRsnInf/Rsn/Cd, OrgnlTxRef/DbtrAgt + CdtrAgt
 *
 * OrgnlTxRef names the agents of the ORIGINAL payment and the schema
 * requires both. They are not asked of the caller because the ids already
 * hold them: an EndToEndId starts with the ISPB of the participant that
 * made it, the payer's (the catalogue also lets an initiator use its CNPJ
 * root, a case this stand-in does not produce), and a RtrId with the ISPB of
 * the participant returning the money, i.e. the original creditor agent. SttlmPrty HIGH: an ordinary
 * instant return, as in Bacen's example. Amount and ids are refused with
 * RangeError when readInbound would refuse them; nothing is rounded.
 */
import { renderEnvelope, createdText, REASON_CODE, type EnvelopeFields } from './envelope.js';
import { END_TO_END_ID_PATTERN, RETURN_ID_PATTERN } from './ids.js';
import { PACS004_MSG_DEF_IDR, PACS004_NAMESPACE } from './message.js';
import { escapeText as x } from './xml.js';

export interface Pacs004Return {
  /** `D` + ISPB of the returning participant + yyyyMMddHHmm + 11: see ids.ts newReturnId. */
  returnId: string;
  /** EndToEndId of the payment returned. */
  originalEndToEndId: string;
  /** Reais, whole cents, positive; a partial return may be less than the payment. */
  amount: number;
  /** RtrRsnInf/Rsn/Cd: BE08, FR01, MD06 or SL02 in catalogue 5.13. */
  reason: string;
}

function agent(ispb: string): string {
  return `<FinInstnId><ClrSysMmbId><MmbId>${ispb}</MmbId></ClrSysMmbId></FinInstnId>`;
}

function amountText(amount: number): string {
  const text = amount.toFixed(2);
  // Whole cents below 10^10 (numeric(12,2)): anything else would be rounded,
  // or written in exponent form, and read back as another number.
  if (!(amount > 0 && amount < 1e10) || Number(text) !== amount) throw new RangeError(`amount ${amount} is not a positive amount in cents`);
  return text;
}

export function renderPacs004(ret: Pacs004Return, header: EnvelopeFields): string {
  const { returnId, originalEndToEndId: e2e, reason } = ret;
  if (!RETURN_ID_PATTERN.test(returnId)) throw new RangeError(`returnId ${JSON.stringify(returnId)} is not a RtrId`);
  if (!END_TO_END_ID_PATTERN.test(e2e)) throw new RangeError(`originalEndToEndId ${JSON.stringify(e2e)} is not an EndToEndId`);
  if (!REASON_CODE.test(reason)) throw new RangeError(`reason ${JSON.stringify(reason)} is not a reason code`);
  // Ids and code matched their [A-Za-z0-9] patterns: nothing in them to escape.
  return renderEnvelope(
    PACS004_NAMESPACE,
    PACS004_MSG_DEF_IDR,
    header,
    `<PmtRtr>` +
      `<GrpHdr><MsgId>${x(header.bizMsgIdr)}</MsgId><CreDtTm>${createdText(header)}</CreDtTm><NbOfTxs>1</NbOfTxs>` +
      `<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>` +
      `<TxInf><RtrId>${returnId}</RtrId><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId>` +
      `<RtrdIntrBkSttlmAmt Ccy="BRL">${amountText(ret.amount)}</RtrdIntrBkSttlmAmt>` +
      `<SttlmPrty>HIGH</SttlmPrty><ChrgBr>SLEV</ChrgBr>` +
      `<RtrRsnInf><Rsn><Cd>${reason}</Cd></Rsn></RtrRsnInf>` +
      `<OrgnlTxRef><DbtrAgt>${agent(e2e.slice(1, 9))}</DbtrAgt><CdtrAgt>${agent(returnId.slice(1, 9))}</CdtrAgt></OrgnlTxRef>` +
      `</TxInf></PmtRtr>`,
  );
}
