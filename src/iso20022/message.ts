/**
 * The challenge's message JSON (field names are the protocol's, see
 * SPEC.md §3) and the SPI constants both pacs.008 modules share.
 */

export type TipoConta = 'CACC' | 'OTHR' | 'SVGS' | 'SLRY' | 'TRAN';

export interface Party {
  /** null for a creditor whose posted pacs.008 carried no name (the SPI's does not). */
  nome: string | null;
  /** CPF (11 digits) or CNPJ (14). */
  cpfCnpj: string;
  ispb: string;
  /** Branch, 1-4 digits; null when the account has none (Issr is optional in the SPI's pacs.008). */
  agencia: string | null;
  contaTransacional: string;
  tipoConta: TipoConta;
}

/** A party with every field, as the generator makes them. */
export type CompleteParty = Party & { nome: string; agencia: string };

export interface PixMessage {
  endToEndId: string;
  /** Reais, at most two decimals. */
  valor: number;
  pagador: Party;
  recebedor: Party;
  /** 0–200 characters, may be empty. */
  campoLivre: string;
  /** Only where the local instrument carries one (QR codes, initiators); null for MANU and DICT payments. */
  txId: string | null;
  /** ISO 8601 UTC with milliseconds, e.g. 2026-11-24T15:30:12.345Z. */
  dataHoraPagamento: string;
}

/**
 * The message as the challenge face sends it, rendered once when it is stored
 * (messages.json): the spec's fields in the spec's order, whatever else the
 * object carries.
 */
export function renderMessageJson(message: PixMessage): string {
  const party = (p: Party) => ({ nome: p.nome, cpfCnpj: p.cpfCnpj, ispb: p.ispb, agencia: p.agencia, contaTransacional: p.contaTransacional, tipoConta: p.tipoConta });
  return JSON.stringify({
    endToEndId: message.endToEndId,
    valor: message.valor,
    pagador: party(message.pagador),
    recebedor: party(message.recebedor),
    campoLivre: message.campoLivre,
    txId: message.txId,
    dataHoraPagamento: message.dataHoraPagamento,
  });
}

/** The AppHdr fields a caller chooses; MsgDefIdr is fixed by the version. */
export interface Pacs008Header {
  /** `M` + sender ISPB + 23 alphanumerics: see ids.ts newBizMsgIdr. */
  bizMsgIdr: string;
  /** ISPB of the sender of this message: SPI_ISPB when the SPI forwards a payment. */
  from: string;
  /** ISPB of the receiver of this message: the creditor's PSP when forwarded. */
  to: string;
  /** CreDt and GrpHdr/CreDtTm; a string is written as given. */
  createdAt: Date | string;
}

/**
 * Bacen's own ISPB, the SPI's identity in every AppHdr. A PSP always sends
 * to it and receives from it: a pacs.008 that the SPI forwards to the
 * receiving PSP carries Fr = 00038166 and To = the receiver (seen in messages
 * the SPI emitted, e.g. a pibr.002 with Fr 00038166 / To 52833288).
 */
export const SPI_ISPB = '00038166';

/**
 * SPI catalogue 5.13 (files spi.5.13.1) carries pacs.008 version 1.16. The
 * version lives in two places that must agree: the Envelope's default
 * namespace and AppHdr/MsgDefIdr. The SPI does not use the ISO urn:iso:std
 * namespaces nor a separate head.001 namespace: AppHdr and Document inherit
 * the Envelope's.
 */
export const PACS008_NAMESPACE = 'https://www.bcb.gov.br/pi/pacs.008/1.16';
export const PACS008_MSG_DEF_IDR = 'pacs.008.spi.1.16';

/**
 * The other messages of catalogue 5.13 (spi.5.13.1) this service speaks.
 * Each SPI message has its own version, not the catalogue's: in 5.13 these
 * are pacs.002 1.17, pacs.004 1.5 and admi.002 1.5. Sources: the catalogue's
 * file naming (xsd/<type>.spi.<version>.xsd, the version being the message's),
 * third-party homologation notes and ICOM-simulator tests that quote the
 * 5.13 ICOM catalogue (GET /api/v1/in/catalog = pacs.002.spi.1.17,
 * pacs.004.spi.1.5, pacs.008.spi.1.16), and schemas generated from the 5.13
 * XSDs (admi.002.spi.1.5). Namespace and MsgDefIdr follow the pacs.008 rule:
 * `https://www.bcb.gov.br/pi/<type>/<version>` and `<type>.spi.<version>`.
 */
export const PACS002_NAMESPACE = 'https://www.bcb.gov.br/pi/pacs.002/1.17';
export const PACS002_MSG_DEF_IDR = 'pacs.002.spi.1.17';
export const PACS004_NAMESPACE = 'https://www.bcb.gov.br/pi/pacs.004/1.5';
export const PACS004_MSG_DEF_IDR = 'pacs.004.spi.1.5';
export const ADMI002_NAMESPACE = 'https://www.bcb.gov.br/pi/admi.002/1.5';
export const ADMI002_MSG_DEF_IDR = 'admi.002.spi.1.5';

/**
 * The queries of catalogue 5.13 and their answers: camt.060 1.9 (account
 * reporting request) answered with camt.053 1.4 (balance) or camt.052 1.3
 * (the entries of a period), and pibr.001 1.3 (echo) with pibr.002 1.3.
 * Versions from schemas generated from the 5.13 XSDs (docs/spi.md, Sources).
 */
export const CAMT060_NAMESPACE = 'https://www.bcb.gov.br/pi/camt.060/1.9';
export const CAMT060_MSG_DEF_IDR = 'camt.060.spi.1.9';
export const CAMT053_NAMESPACE = 'https://www.bcb.gov.br/pi/camt.053/1.4';
export const CAMT053_MSG_DEF_IDR = 'camt.053.spi.1.4';
export const CAMT052_NAMESPACE = 'https://www.bcb.gov.br/pi/camt.052/1.3';
export const CAMT052_MSG_DEF_IDR = 'camt.052.spi.1.3';
export const PIBR001_NAMESPACE = 'https://www.bcb.gov.br/pi/pibr.001/1.3';
export const PIBR001_MSG_DEF_IDR = 'pibr.001.spi.1.3';
export const PIBR002_NAMESPACE = 'https://www.bcb.gov.br/pi/pibr.002/1.3';
export const PIBR002_MSG_DEF_IDR = 'pibr.002.spi.1.3';
