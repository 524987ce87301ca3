/**
 * Reads a pacs.008 Envelope (SPI catalogue 5.13, version 1.16: the shape
 * pacs008.ts writes) back into the challenge JSON, for inbound validation
 * and tests. Parsing and its refusals (DTD, entities, CDATA, characters XML
 * forbids, malformed or multi-root documents) are read.ts's; this module adds
 * the namespace and MsgDefIdr of this version and the rules of each field.
 * Unknown elements (a real signature in Sgntr, a Pix key in Prxy) are
 * ignored: a tolerant reader of a strict shape. Every failure is a
 * Pacs008ReadError naming the problem and the XML path.
 */
import type { Pacs008Header, Party, PixMessage, TipoConta } from './message.js';
import { PACS008_MSG_DEF_IDR, PACS008_NAMESPACE } from './message.js';
import { amountBRL, el, dateTime, Iso20022ReadError, parse, readAppHdr, text, type Iso20022Problem, type Node } from './read.js';

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
}

const RULES = {
  endToEndId: /^E[0-9]{8}[0-9]{12}[A-Za-z0-9]{11}$/,
  txId: /^[A-Za-z0-9]{26,35}$/,
  cpfCnpj: /^([0-9]{11}|[0-9]{14})$/,
  nome: /^[^]{1,140}$/u, // code points, not UTF-16 units: Max140Text
  campoLivre: /^[^]{1,200}$/u, // the JSON's 200, not the SPI's Max140Text: no text is cut
  ispb: /^[0-9]{8}$/,
  agencia: /^[0-9]{1,4}$/,
  conta: /^[0-9]{1,20}$/,
  tipoConta: /^(CACC|SVGS|SLRY|TRAN)$/,
};

function party(tx: Node, path: string, role: 'Dbtr' | 'Cdtr'): Party {
  const ids = el(tx, path, role, 'Id');
  const idPath = `${path}/${role}/Id`;
  const keys = ['PrvtId', 'OrgId'].filter((k) => k in ids);
  if (keys.length !== 1) throw new Iso20022ReadError(keys.length ? 'invalid' : 'missing', `${idPath}/PrvtId`, 'exactly one of PrvtId or OrgId is required');
  const cpfCnpj = text(ids, idPath, [keys[0]!, 'Othr', 'Id'], RULES.cpfCnpj);
  return {
    nome: text(tx, path, [role, 'Nm'], RULES.nome),
    cpfCnpj,
    ispb: text(tx, path, [`${role}Agt`, 'FinInstnId', 'ClrSysMmbId', 'MmbId'], RULES.ispb),
    agencia: text(tx, path, [`${role}Acct`, 'Id', 'Othr', 'Issr'], RULES.agencia),
    contaTransacional: text(tx, path, [`${role}Acct`, 'Id', 'Othr', 'Id'], RULES.conta),
    tipoConta: text(tx, path, [`${role}Acct`, 'Tp', 'Cd'], RULES.tipoConta) as TipoConta,
  };
}

/**
 * The pacs.008 held by an already parsed Envelope. Shared with readInbound,
 * which has parsed the document once to learn its kind. Throws Iso20022ReadError.
 */
export function pacs008FromEnvelope(env: Node): ReadPacs008Result {
  if (env['@_xmlns'] !== PACS008_NAMESPACE) {
    throw new Iso20022ReadError('wrong-message', 'Envelope/@xmlns', `expected ${PACS008_NAMESPACE}`);
  }
  const E = 'Envelope';
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
  const valor = amountBRL(tx, X, 'IntrBkSttlmAmt');
  const campoLivre = 'RmtInf' in tx ? text(tx, X, ['RmtInf', 'Ustrd'], RULES.campoLivre) : '';
  const message: PixMessage = {
    endToEndId: text(tx, X, ['PmtId', 'EndToEndId'], RULES.endToEndId),
    valor,
    pagador: party(tx, X, 'Dbtr'),
    recebedor: party(tx, X, 'Cdtr'),
    campoLivre,
    txId: text(tx, X, ['PmtId', 'TxId'], RULES.txId),
    dataHoraPagamento: dateTime(tx, X, ['AccptncDtTm']),
  };
  return { header, message };
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
