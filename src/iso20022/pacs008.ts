/**
 * Renders a challenge message as the pacs.008 the SPI would hand a receiving
 * PSP over ICOM. Shape followed: SPI catalogue 5.13, pacs.008 version 1.16
 * (namespace and MsgDefIdr in message.ts), as described by Bacen's example
 * messages and XSD-derived references, e.g. pacs.008_CONTA_1_msg.xml:
 *
 *   <Envelope xmlns="https://www.bcb.gov.br/pi/pacs.008/1.16">
 *     <AppHdr> Fr, To (FIId/FinInstnId/Othr/Id = ISPB), BizMsgIdr, MsgDefIdr, CreDt, Sgntr
 *     <Document><FIToFICstmrCdtTrf> GrpHdr, CdtTrfTxInf
 *
 * Why each choice (the number is the field's place in the XML):
 * 1. One default namespace on Envelope, none on AppHdr/Document: the SPI's form.
 * 2. <Sgntr/> empty, as in Bacen's unsigned examples: we hold no ICP-Brasil key.
 * 3. GrpHdr/MsgId = BizMsgIdr and CreDtTm = CreDt: the catalogue asks for the
 *    same values. PmtTpInf HIGH/PAGPRI: an ordinary instant Pix.
 * 4. TxId present, LclInstrm QRDN: the catalogue allows a 26–35 character TxId
 *    only for dynamic QR payments, which is what our txId is. The Pix key
 *    (CdtrAcct/Prxy) that QRDN also wants is not in the JSON, so it is left
 *    out rather than invented: every element carries the JSON's data or a
 *    constant, nothing else.
 * 5. Dbtr/Cdtr Id: CPF under PrvtId/Othr, CNPJ under OrgId/Othr, as ISO 20022
 *    PartyIdentification135 separates persons from organisations. (The SPI's
 *    own schema puts both under PrvtId; the reader accepts either, and the
 *    digit count tells them apart.)
 * 6. Cdtr/Nm: the SPI's pacs.008 has no creditor name, but ISO allows Nm
 *    before Id and the JSON has recebedor.nome: without it the round trip
 *    would lose data.
 * 7. Issr = agencia (branch), Tp/Cd = tipoConta; agents by ClrSysMmbId/MmbId.
 * 8. RmtInf/Ustrd only when campoLivre is non-empty (an empty Ustrd is not
 *    valid Max140Text). The JSON allows 200 characters and they are all kept.
 *
 * Speed: one template literal, no DOM builder; the text fields go through
 * escapeText, whose common case is two regex tests. Deterministic: no clock
 * or randomness here, the caller supplies ids and times.
 */
import { newBizMsgIdr } from './ids.js';
import type { Pacs008Header, Party, PixMessage } from './message.js';
import { PACS008_MSG_DEF_IDR, PACS008_NAMESPACE, SPI_ISPB } from './message.js';
import { escapeText as x } from './xml.js';

function amount(valor: number): string {
  const text = valor.toFixed(2);
  // Two decimals or fewer is what numeric(12,2) holds; anything else would
  // be rounded here and come back as a different number.
  if (!(valor > 0) || Number(text) !== valor) throw new RangeError(`valor ${valor} is not a positive amount in cents`);
  return text;
}

function partyId(cpfCnpj: string): string {
  const kind = cpfCnpj.length === 14 ? 'OrgId' : 'PrvtId';
  return `<Id><${kind}><Othr><Id>${x(cpfCnpj)}</Id></Othr></${kind}></Id>`;
}

function account(p: Party): string {
  return `<Id><Othr><Id>${x(p.contaTransacional)}</Id><Issr>${x(p.agencia)}</Issr></Othr></Id><Tp><Cd>${x(p.tipoConta)}</Cd></Tp>`;
}

function agent(ispb: string): string {
  return `<FinInstnId><ClrSysMmbId><MmbId>${x(ispb)}</MmbId></ClrSysMmbId></FinInstnId>`;
}

function fiId(ispb: string): string {
  return `<FIId><FinInstnId><Othr><Id>${x(ispb)}</Id></Othr></FinInstnId></FIId>`;
}

/** The whole XML document (declaration, Envelope, AppHdr, Document) for one message. */
export function renderPacs008(message: PixMessage, header: Pacs008Header): string {
  const created = x(typeof header.createdAt === 'string' ? header.createdAt : header.createdAt.toISOString());
  const msgId = x(header.bizMsgIdr);
  const { pagador: dbtr, recebedor: cdtr } = message;
  const ustrd = message.campoLivre === '' ? '' : `<RmtInf><Ustrd>${x(message.campoLivre)}</Ustrd></RmtInf>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Envelope xmlns="${PACS008_NAMESPACE}">` +
    `<AppHdr><Fr>${fiId(header.from)}</Fr><To>${fiId(header.to)}</To>` +
    `<BizMsgIdr>${msgId}</BizMsgIdr><MsgDefIdr>${PACS008_MSG_DEF_IDR}</MsgDefIdr><CreDt>${created}</CreDt><Sgntr/></AppHdr>` +
    `<Document><FIToFICstmrCdtTrf>` +
    `<GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>${created}</CreDtTm><NbOfTxs>1</NbOfTxs>` +
    `<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>` +
    `<PmtTpInf><InstrPrty>HIGH</InstrPrty><SvcLvl><Prtry>PAGPRI</Prtry></SvcLvl></PmtTpInf></GrpHdr>` +
    `<CdtTrfTxInf>` +
    `<PmtId><EndToEndId>${x(message.endToEndId)}</EndToEndId><TxId>${x(message.txId)}</TxId></PmtId>` +
    `<IntrBkSttlmAmt Ccy="BRL">${amount(message.valor)}</IntrBkSttlmAmt>` +
    `<AccptncDtTm>${x(message.dataHoraPagamento)}</AccptncDtTm>` +
    `<ChrgBr>SLEV</ChrgBr>` +
    `<MndtRltdInf><Tp><LclInstrm><Prtry>QRDN</Prtry></LclInstrm></Tp></MndtRltdInf>` +
    `<Dbtr><Nm>${x(dbtr.nome)}</Nm>${partyId(dbtr.cpfCnpj)}</Dbtr>` +
    `<DbtrAcct>${account(dbtr)}</DbtrAcct>` +
    `<DbtrAgt>${agent(dbtr.ispb)}</DbtrAgt>` +
    `<CdtrAgt>${agent(cdtr.ispb)}</CdtrAgt>` +
    `<Cdtr><Nm>${x(cdtr.nome)}</Nm>${partyId(cdtr.cpfCnpj)}</Cdtr>` +
    `<CdtrAcct>${account(cdtr)}</CdtrAcct>` +
    `<Purp><Cd>IPAY</Cd></Purp>` +
    ustrd +
    `</CdtTrfTxInf></FIToFICstmrCdtTrf></Document></Envelope>`
  );
}

/**
 * A credit transfer as the SPI forwards it to the receiving PSP: from the SPI
 * (00038166) to the creditor agent, with a fresh BizMsgIdr. Rendered once when
 * the message is stored, so every delivery carries the same document.
 */
export function renderForwardedPacs008(message: PixMessage, at: Date = new Date()): string {
  return renderPacs008(message, { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to: message.recebedor.ispb, createdAt: at });
}
