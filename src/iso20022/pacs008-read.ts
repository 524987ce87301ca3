/**
 * Reads a pacs.008 Envelope (SPI catalogue 5.13, version 1.16: the shape
 * pacs008.ts writes) back into the challenge JSON, for inbound validation
 * and tests. Parsed by fast-xml-parser with entity processing OFF.
 *
 * Refused before parsing (input is hostile until proven otherwise):
 * - any `<!` other than a comment: DOCTYPE, ENTITY (XML bombs, external
 *   entities) and CDATA (whose text must not be unescaped) never reach the
 *   parser, so nothing can expand;
 * - characters XML 1.0 forbids.
 * Then: fast-xml-parser's validator for well-formedness, exactly one root
 * element, the namespace and MsgDefIdr of this version, each field present
 * once and matching the JSON's rules. Unknown elements (a real signature in
 * Sgntr, a Pix key in Prxy) are ignored: a tolerant reader of a strict shape.
 * Every failure is a Pacs008ReadError naming the problem and the XML path.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Pacs008Header, Party, PixMessage, TipoConta } from './message.js';
import { PACS008_MSG_DEF_IDR, PACS008_NAMESPACE } from './message.js';
import { assertXmlChars, unescapeText, XmlCharError } from './xml.js';

export type Pacs008Problem = 'forbidden-dtd' | 'forbidden-cdata' | 'malformed' | 'wrong-message' | 'missing' | 'repeated' | 'invalid';

export class Pacs008ReadError extends Error {
  constructor(
    readonly problem: Pacs008Problem,
    /** Slash path of the element, e.g. Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/Dbtr/Nm. */
    readonly field: string | undefined,
    detail: string,
  ) {
    super(field === undefined ? detail : `${field}: ${detail}`);
    this.name = 'Pacs008ReadError';
  }
}

export interface ReadPacs008Result {
  header: Omit<Pacs008Header, 'createdAt'> & { msgDefIdr: string; createdAt: string };
  message: PixMessage;
}

const parser = new XMLParser({
  processEntities: false, // decoded by unescapeText, which knows only the five predefined ones
  ignoreAttributes: false,
  parseTagValue: false, // "00038166" must stay a string
  parseAttributeValue: false,
  trimValues: false, // campoLivre's spaces are data
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown>;

const ISPB = /^[0-9A-Z]{8}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const RULES = {
  bizMsgIdr: /^M[0-9A-Z]{8}[a-zA-Z0-9]{23}$/,
  endToEndId: /^E[0-9]{8}[0-9]{12}[A-Za-z0-9]{11}$/,
  txId: /^[A-Za-z0-9]{26,35}$/,
  valor: /^[0-9]{1,10}\.[0-9]{2}$/,
  cpfCnpj: /^([0-9]{11}|[0-9]{14})$/,
  nome: /^[^]{1,140}$/u, // code points, not UTF-16 units: Max140Text
  campoLivre: /^[^]{1,200}$/u, // the JSON's 200, not the SPI's Max140Text: no text is cut
  ispb: /^[0-9]{8}$/,
  agencia: /^[0-9]{1,4}$/,
  conta: /^[0-9]{1,20}$/,
  tipoConta: /^(CACC|SVGS|SLRY|TRAN)$/,
};

const sub = (path: string, name: string) => (path ? `${path}/${name}` : name);

function child(node: Node, name: string, path: string): Node | string {
  const value = node[name];
  if (value === undefined) throw new Pacs008ReadError('missing', sub(path, name), 'element is missing');
  if (Array.isArray(value)) throw new Pacs008ReadError('repeated', sub(path, name), 'element appears more than once');
  return value as Node | string;
}

/** The element at `names` below `node` (found at `path`), which must hold elements. */
function el(node: Node, path: string, ...names: string[]): Node {
  let current: Node | string = node;
  for (const name of names) {
    if (typeof current !== 'object') throw new Pacs008ReadError('invalid', path, 'expected child elements, found text');
    current = child(current, name, path);
    path = sub(path, name);
  }
  if (typeof current !== 'object') throw new Pacs008ReadError('invalid', path, 'expected child elements, found text');
  return current;
}

/** Decoded text of the leaf at `names` below `node`, checked against `rule` when given. */
function text(node: Node, path: string, names: readonly string[], rule?: RegExp): string {
  const parents = names.slice(0, -1);
  const leaf = names[names.length - 1]!;
  const parentPath = parents.reduce(sub, path);
  const at = sub(parentPath, leaf);
  const value = child(el(node, path, ...parents), leaf, parentPath);
  let raw: unknown = value;
  if (typeof value === 'object') {
    if (!Object.keys(value).every((k) => k === '#text' || k.startsWith('@_'))) {
      throw new Pacs008ReadError('invalid', at, 'expected text, found child elements');
    }
    raw = value['#text'] ?? '';
  }
  let decoded: string;
  try {
    decoded = unescapeText(String(raw));
  } catch (err) {
    throw new Pacs008ReadError('malformed', at, (err as Error).message);
  }
  if (rule && !rule.test(decoded)) {
    throw new Pacs008ReadError('invalid', at, `${JSON.stringify(decoded.slice(0, 60))} does not match ${rule.source}`);
  }
  return decoded;
}

function dateTime(node: Node, path: string, names: string[]): string {
  const value = text(node, path, names, DATE_TIME);
  if (new Date(value).toISOString() !== value) {
    throw new Pacs008ReadError('invalid', names.reduce(sub, path), `${value} is not a real instant`);
  }
  return value;
}

function party(tx: Node, path: string, role: 'Dbtr' | 'Cdtr'): Party {
  const ids = el(tx, path, role, 'Id');
  const idPath = `${path}/${role}/Id`;
  const keys = ['PrvtId', 'OrgId'].filter((k) => k in ids);
  if (keys.length !== 1) throw new Pacs008ReadError(keys.length ? 'invalid' : 'missing', `${idPath}/PrvtId`, 'exactly one of PrvtId or OrgId is required');
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

function parse(xml: string): Node {
  for (let at = xml.indexOf('<!'); at !== -1; at = xml.indexOf('<!', at + 2)) {
    if (xml.startsWith('<!--', at)) continue;
    if (xml.startsWith('<![CDATA[', at)) throw new Pacs008ReadError('forbidden-cdata', undefined, 'CDATA sections are not accepted');
    throw new Pacs008ReadError('forbidden-dtd', undefined, 'DOCTYPE and entity declarations are not accepted');
  }
  try {
    assertXmlChars(xml);
  } catch (err) {
    if (err instanceof XmlCharError) throw new Pacs008ReadError('malformed', undefined, err.message);
    throw err;
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Pacs008ReadError('malformed', undefined, `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const doc = parser.parse(xml) as Node;
  const roots = Object.keys(doc).filter((k) => k !== '#text' || String(doc[k]).trim() !== '');
  if (roots.length !== 1 || roots[0] !== 'Envelope' || Array.isArray(doc.Envelope)) {
    throw new Pacs008ReadError('wrong-message', undefined, `expected one Envelope root element, found ${roots.join(', ') || 'none'}`);
  }
  return el(doc, '', 'Envelope');
}

/** Parses, checks and maps one pacs.008 document. Throws Pacs008ReadError. */
export function readPacs008(xml: string): ReadPacs008Result {
  const env = parse(xml);
  if (env['@_xmlns'] !== PACS008_NAMESPACE) {
    throw new Pacs008ReadError('wrong-message', 'Envelope/@xmlns', `expected ${PACS008_NAMESPACE}`);
  }
  const E = 'Envelope';
  const H = 'AppHdr';
  const msgDefIdr = text(env, E, [H, 'MsgDefIdr']);
  if (msgDefIdr !== PACS008_MSG_DEF_IDR) {
    throw new Pacs008ReadError('wrong-message', `${E}/${H}/MsgDefIdr`, `expected ${PACS008_MSG_DEF_IDR}`);
  }
  const header = {
    bizMsgIdr: text(env, E, [H, 'BizMsgIdr'], RULES.bizMsgIdr),
    from: text(env, E, [H, 'Fr', 'FIId', 'FinInstnId', 'Othr', 'Id'], ISPB),
    to: text(env, E, [H, 'To', 'FIId', 'FinInstnId', 'Othr', 'Id'], ISPB),
    msgDefIdr,
    createdAt: dateTime(env, E, [H, 'CreDt']),
  };
  const T = `${E}/Document/FIToFICstmrCdtTrf`;
  const transfer = el(env, E, 'Document', 'FIToFICstmrCdtTrf');
  text(transfer, T, ['GrpHdr', 'NbOfTxs'], /^1$/);
  const X = `${T}/CdtTrfTxInf`;
  const tx = el(transfer, T, 'CdtTrfTxInf');
  const amount = child(tx, 'IntrBkSttlmAmt', X);
  if (typeof amount !== 'object' || amount['@_Ccy'] !== 'BRL') throw new Pacs008ReadError('invalid', `${X}/IntrBkSttlmAmt/@Ccy`, 'currency must be BRL');
  const valor = Number(text(tx, X, ['IntrBkSttlmAmt'], RULES.valor));
  if (!(valor > 0)) throw new Pacs008ReadError('invalid', `${X}/IntrBkSttlmAmt`, 'amount must be positive');
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
