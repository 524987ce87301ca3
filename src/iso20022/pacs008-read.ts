/**
 * Reads a pacs.008 Envelope (SPI catalogue 5.13, version 1.16) into the
 * challenge JSON, for inbound validation and tests: what participants send
 * (optional elements optional, ISPBs alphanumeric) and what pacs008.ts
 * writes. Parsing and its refusals (DTD, entities, CDATA, characters XML
 * forbids, malformed or multi-root documents, wrong namespaces) are read.ts's;
 * this module adds the namespace and MsgDefIdr of this version and the rules
 * of each field.
 * Unknown elements (a real signature in Sgntr, a Pix key in Prxy) are
 * ignored: a tolerant reader of a strict shape. Every failure is a
 * Pacs008ReadError naming the problem and the XML path.
 */
import type { Pacs008Header, Party, PixMessage, TipoConta } from './message.js';
import { PACS008_MSG_DEF_IDR, PACS008_NAMESPACE } from './message.js';
import { END_TO_END_ID_PATTERN } from './ids.js';
import { amountBRL, dateTime, el, has, Iso20022ReadError, ISPB, optionalText, parse, readAppHdr, text, type Iso20022Problem, type Node } from './read.js';

export type Pacs008Problem = Iso20022Problem;

/**
 * What readPacs008 throws. A subclass rather than a bare alias so that it is
 * still `instanceof Iso20022ReadError` and still named "Pacs008ReadError",
 * which callers written before read.ts existed check.
 */
export class Pacs008ReadError extends Iso20022ReadError {
  constructor(problem: Pacs008Problem, field: string | undefined, detail: string) {
    super(problem, field, detail);
    this.name = 'Pacs008ReadError';
  }
}

export interface ReadPacs008Result {
  header: Omit<Pacs008Header, 'createdAt'> & { msgDefIdr: string; createdAt: string };
  message: PixMessage;
  /** MndtRltdInf/Tp/LclInstrm/Prtry: how the payer started the payment. */
  localInstrument: LocalInstrument;
}

/** The catalogue's local instruments (PrtryLclInstrmCode of pacs.008.spi.1.16). */
export type LocalInstrument = 'APDN' | 'APES' | 'AUTO' | 'DICT' | 'INIC' | 'MANU' | 'QRDN' | 'QRES';

/** Patterns of pacs.008.spi.1.16 (catalogue 5.13.1), except where a comment says otherwise. */
const RULES = {
  endToEndId: END_TO_END_ID_PATTERN,
  txId: /^[A-Za-z0-9]{1,35}$/, // TxIdType
  cpfCnpj: /^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$/, // PICpfCnpj: a CPF, or a CNPJ (alphanumeric from 2026)
  nome: /^[^]{1,140}$/u, // code points, not UTF-16 units: Max140Text
  campoLivre: /^[^]{1,200}$/u, // the JSON's 200, not the SPI's Max140Text: no text is cut
  ispb: ISPB,
  agencia: /^[0-9]{1,4}$/, // Max4Numeric
  conta: /^[0-9A-Z]{1,20}$/, // ContaUsuarioType
  tipoConta: /^(CACC|OTHR|SLRY|SVGS|TRAN)$/, // ExternalCashAccountType1Code
  localInstrument: /^(APDN|APES|AUTO|DICT|INIC|MANU|QRDN|QRES)$/,
};

/**
 * TxId by local instrument. The XSD makes it optional everywhere; the
 * catalogue's rules (as the sources in docs/icom.md give them): a manual
 * (MANU) or Pix-key (DICT) payment carries none, a dynamic QR code (QRDN,
 * APDN) always carries its own, a static one (QRES, APES) may, and the
 * initiator (INIC) and automatic (AUTO) ones by their own rules.
 */
function checkTxId(instrument: LocalInstrument, txId: string | null, path: string): void {
  if (txId !== null && (instrument === 'MANU' || instrument === 'DICT')) {
    throw new Iso20022ReadError('invalid', path, `a ${instrument} payment carries no TxId: only QR-code, initiator and automatic payments do`);
  }
  if (txId === null && (instrument === 'QRDN' || instrument === 'APDN')) {
    throw new Iso20022ReadError('missing', path, `a ${instrument} payment carries the TxId of its dynamic QR code`);
  }
}

function party(tx: Node, path: string, role: 'Dbtr' | 'Cdtr'): Party {
  const idPath = `${path}/${role}/Id`;
  const ids = el(tx, path, role, 'Id');
  // The SPI's schema puts a CNPJ under PrvtId as well; OrgId (ISO's place for it) is read too.
  const kinds = ['PrvtId', 'OrgId'].filter((kind) => has(ids, kind, idPath));
  if (kinds.length !== 1) throw new Iso20022ReadError(kinds.length ? 'invalid' : 'missing', `${idPath}/PrvtId`, 'exactly one of PrvtId or OrgId is required');
  const account = `${role}Acct`;
  return {
    // The payer's name is required; the SPI's pacs.008 carries no creditor name, read when one is sent.
    nome: role === 'Dbtr' ? text(tx, path, [role, 'Nm'], RULES.nome) : optionalText(el(tx, path, role), `${path}/${role}`, ['Nm'], RULES.nome),
    cpfCnpj: text(ids, idPath, [kinds[0]!, 'Othr', 'Id'], RULES.cpfCnpj),
    ispb: text(tx, path, [`${role}Agt`, 'FinInstnId', 'ClrSysMmbId', 'MmbId'], RULES.ispb),
    agencia: optionalText(el(tx, path, account, 'Id', 'Othr'), `${path}/${account}/Id/Othr`, ['Issr'], RULES.agencia),
    contaTransacional: text(tx, path, [account, 'Id', 'Othr', 'Id'], RULES.conta),
    tipoConta: text(tx, path, [account, 'Tp', 'Cd'], RULES.tipoConta) as TipoConta,
  };
}

/**
 * The pacs.008 held by an already parsed Envelope. Shared with readInbound,
 * which has parsed the document once to learn its kind. Throws Iso20022ReadError.
 */
export function pacs008FromEnvelope(env: Node): ReadPacs008Result {
  const E = 'Envelope';
  if (env.ns !== PACS008_NAMESPACE) {
    throw new Iso20022ReadError('wrong-message', E, `is in ${env.ns ? `the namespace ${env.ns}` : 'no namespace'}; expected ${PACS008_NAMESPACE}`);
  }
  const msgDefIdr = text(env, E, ['AppHdr', 'MsgDefIdr']);
  if (msgDefIdr !== PACS008_MSG_DEF_IDR) {
    throw new Iso20022ReadError('wrong-message', `${E}/AppHdr/MsgDefIdr`, `expected ${PACS008_MSG_DEF_IDR}`);
  }
  const header = readAppHdr(env, msgDefIdr);
  const T = `${E}/Document/FIToFICstmrCdtTrf`;
  const transfer = el(env, E, 'Document', 'FIToFICstmrCdtTrf');
  text(transfer, T, ['GrpHdr', 'NbOfTxs'], /^1$/);
  const X = `${T}/CdtTrfTxInf`;
  const tx = el(transfer, T, 'CdtTrfTxInf');
  const localInstrument = text(tx, X, ['MndtRltdInf', 'Tp', 'LclInstrm', 'Prtry'], RULES.localInstrument) as LocalInstrument;
  const txId = optionalText(el(tx, X, 'PmtId'), `${X}/PmtId`, ['TxId'], RULES.txId);
  checkTxId(localInstrument, txId, `${X}/PmtId/TxId`);
  const message: PixMessage = {
    endToEndId: text(tx, X, ['PmtId', 'EndToEndId'], RULES.endToEndId),
    valor: amountBRL(tx, X, 'IntrBkSttlmAmt'),
    pagador: party(tx, X, 'Dbtr'),
    recebedor: party(tx, X, 'Cdtr'),
    campoLivre: optionalText(tx, X, ['RmtInf', 'Ustrd'], RULES.campoLivre) ?? '',
    txId,
    dataHoraPagamento: dateTime(tx, X, ['AccptncDtTm']),
  };
  return { header, message, localInstrument };
}

/** Parses, checks and maps one pacs.008 document. Throws Pacs008ReadError. */
export function readPacs008(xml: string): ReadPacs008Result {
  try {
    return pacs008FromEnvelope(parse(xml));
  } catch (err) {
    if (err instanceof Iso20022ReadError && !(err instanceof Pacs008ReadError)) {
      throw new Pacs008ReadError(err.problem, err.field, err.detail);
    }
    throw err;
  }
}
