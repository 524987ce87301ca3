/**
 * Renders a challenge message as the pacs.008 the SPI would hand a receiving
 * PSP over ICOM, in the shape of the catalogue's pacs.008.spi.1.16 schema
 * (catalogue 5.13.1; namespace and MsgDefIdr in message.ts):
 *
 *   <Envelope xmlns="https://www.bcb.gov.br/pi/pacs.008/1.16">
 *     <AppHdr> Fr, To (FIId/FinInstnId/Othr/Id = ISPB), BizMsgIdr, MsgDefIdr, CreDt, Sgntr
 *     <Document><FIToFICstmrCdtTrf> GrpHdr, CdtTrfTxInf
 *
 * Why each choice:
 * 1. One default namespace on Envelope, none on AppHdr/Document: the SPI's form.
 * 2. <Sgntr/> empty, as in Bacen's unsigned examples.
 * 3. GrpHdr/MsgId = BizMsgIdr and CreDtTm = CreDt: the catalogue asks for the
 *    same values. PmtTpInf HIGH/PAGPRI: an ordinary instant Pix.
 * 4. Local instrument from the data: a message with a txId is a dynamic QR
 *    payment (QRDN: the catalogue gives a dynamic QR code's TxId 26-35
 *    characters, the generator's), which also names the receiver's Pix key in
 *    CdtrAcct/Prxy: the receiver's CPF or CNPJ, a key type DICT holds, so no
 *    value is invented. A message without one is a manual payment (MANU: no
 *    TxId, no key).
 * 5. Dbtr and Cdtr Id: CPF or CNPJ under PrvtId/Othr, as the SPI's schema
 *    puts both. The creditor has no Nm: the SPI's pacs.008 carries none.
 * 6. Issr = agencia (left out when the account has no branch), Tp/Cd =
 *    tipoConta; agents by ClrSysMmbId/MmbId.
 * 7. RmtInf/Ustrd only when campoLivre is non-empty (an empty Ustrd is not
 *    valid Max140Text).
 *
 * Speed: one template literal, no DOM builder; the text fields go through
 * escapeText, whose common case is two regex tests. Deterministic: no clock
 * or randomness here, the caller supplies ids and times.
 */
import { renderAppHdr } from './envelope.js';
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
  return `<Id><PrvtId><Othr><Id>${x(cpfCnpj)}</Id></Othr></PrvtId></Id>`;
}

function account(p: Party): string {
  const issr = p.agencia === null ? '' : `<Issr>${x(p.agencia)}</Issr>`;
  return `<Id><Othr><Id>${x(p.contaTransacional)}</Id>${issr}</Othr></Id><Tp><Cd>${x(p.tipoConta)}</Cd></Tp>`;
}

function agent(ispb: string): string {
  return `<FinInstnId><ClrSysMmbId><MmbId>${x(ispb)}</MmbId></ClrSysMmbId></FinInstnId>`;
}

/** The whole XML document (declaration, Envelope, AppHdr, Document) for one message. */
export function renderPacs008(message: PixMessage, header: Pacs008Header): string {
  const created = x(typeof header.createdAt === 'string' ? header.createdAt : header.createdAt.toISOString());
  const msgId = x(header.bizMsgIdr);
  const { pagador: dbtr, recebedor: cdtr, txId } = message;
  if (dbtr.nome === null) throw new RangeError('the payer has no name: the SPI requires Dbtr/Nm');
  const ustrd = message.campoLivre === '' ? '' : `<RmtInf><Ustrd>${x(message.campoLivre)}</Ustrd></RmtInf>`;
  const instrument = txId === null ? 'MANU' : 'QRDN';
  const key = txId === null ? '' : `<Prxy><Id>${x(cdtr.cpfCnpj)}</Id></Prxy>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Envelope xmlns="${PACS008_NAMESPACE}">` +
    renderAppHdr(PACS008_MSG_DEF_IDR, header) +
    `<Document><FIToFICstmrCdtTrf>` +
    `<GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>${created}</CreDtTm><NbOfTxs>1</NbOfTxs>` +
    `<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>` +
    `<PmtTpInf><InstrPrty>HIGH</InstrPrty><SvcLvl><Prtry>PAGPRI</Prtry></SvcLvl></PmtTpInf></GrpHdr>` +
    `<CdtTrfTxInf>` +
    `<PmtId><EndToEndId>${x(message.endToEndId)}</EndToEndId>${txId === null ? '' : `<TxId>${x(txId)}</TxId>`}</PmtId>` +
    `<IntrBkSttlmAmt Ccy="BRL">${amount(message.valor)}</IntrBkSttlmAmt>` +
    `<AccptncDtTm>${x(message.dataHoraPagamento)}</AccptncDtTm>` +
    `<ChrgBr>SLEV</ChrgBr>` +
    `<MndtRltdInf><Tp><LclInstrm><Prtry>${instrument}</Prtry></LclInstrm></Tp></MndtRltdInf>` +
    `<Dbtr><Nm>${x(dbtr.nome)}</Nm>${partyId(dbtr.cpfCnpj)}</Dbtr>` +
    `<DbtrAcct>${account(dbtr)}</DbtrAcct>` +
    `<DbtrAgt>${agent(dbtr.ispb)}</DbtrAgt>` +
    `<CdtrAgt>${agent(cdtr.ispb)}</CdtrAgt>` +
    `<Cdtr>${partyId(cdtr.cpfCnpj)}</Cdtr>` +
    `<CdtrAcct>${account(cdtr)}${key}</CdtrAcct>` +
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
