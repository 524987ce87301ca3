/**
 * What the rehearsal sends and how it reads what arrives.
 *
 * Sent: a pacs.008 as the payer A posts it to the SPI (AppHdr Fr = A, To =
 * 00038166, BizMsgIdr and EndToEndId made by A, DbtrAgt = A, CdtrAgt = B),
 * its parties drawn by the app's own generator rules (names, CPF/CNPJ,
 * branches and accounts, amounts, txId); and the pacs.002 the receiver B
 * answers it with, ACSP or RJCT with a reason. Rendered by src/iso20022, so
 * both are exactly what the API's inbound checks expect.
 *
 * Read: each delivered document through readInbound (the API's own reader):
 * B's transfers arrive as A wrote them and A's reports as B wrote them, each
 * with the SPI's AppHdr. An admi.002 is the SPI refusing something one side posted.
 */
import { randomCampoLivre, randomParty } from '../../generation/rules/parties.js';
import { txId } from '../../generation/rules/ids.js';
import { randomValor } from '../../generation/rules/random.js';
import { newBizMsgIdr, newEndToEndId } from '../../iso20022/ids.js';
import { readInbound } from '../../iso20022/inbound.js';
import { ADMI002_MSG_DEF_IDR, SPI_ISPB, type PixMessage } from '../../iso20022/message.js';
import { renderPacs002 } from '../../iso20022/pacs002.js';
import { renderPacs008 } from '../../iso20022/pacs008.js';
import { el, has, Iso20022ReadError, parse, text } from '../../iso20022/read.js';

export interface BuiltTransfer {
  endToEndId: string;
  xml: string;
}

/** A new credit transfer from `payer` to `receiver`, made now. */
export function buildTransfer(payer: string, receiver: string): BuiltTransfer {
  const at = new Date();
  const message: PixMessage = {
    endToEndId: newEndToEndId(payer, at),
    valor: randomValor(),
    pagador: randomParty(payer),
    recebedor: randomParty(receiver),
    campoLivre: randomCampoLivre(),
    txId: txId(),
    dataHoraPagamento: at.toISOString(),
  };
  const xml = renderPacs008(message, { bizMsgIdr: newBizMsgIdr(payer, at), from: payer, to: SPI_ISPB, createdAt: at });
  return { endToEndId: message.endToEndId, xml };
}

/** The header of a report, kept so that answering the same transfer again posts the very same message. */
export interface ReportHeader {
  bizMsgIdr: string;
  createdAt: string;
}

export function newReportHeader(sender: string): ReportHeader {
  const at = new Date();
  return { bizMsgIdr: newBizMsgIdr(sender, at), createdAt: at.toISOString() };
}

/** `sender`'s pacs.002 on the transfer `endToEndId`: RJCT with `reason`, or ACSP when reason is null. */
export function buildReport(sender: string, endToEndId: string, reason: string | null, header: ReportHeader): string {
  return renderPacs002(
    { originalEndToEndId: endToEndId, status: reason === null ? 'ACSP' : 'RJCT', reason },
    { bizMsgIdr: header.bizMsgIdr, from: sender, to: SPI_ISPB, createdAt: header.createdAt },
  );
}

export type Delivered =
  | { kind: 'pacs.008'; endToEndId: string }
  | { kind: 'pacs.002'; endToEndId: string; status: 'ACSP' | 'RJCT'; reason: string | null }
  | { kind: 'admi.002'; description: string }
  /** Anything else (a return, a document this reader refuses): not part of the rehearsal. */
  | { kind: 'other'; description: string };

export function readDelivered(xml: string): Delivered {
  try {
    const message = readInbound(xml);
    if (message.kind === 'pacs.008') return { kind: 'pacs.008', endToEndId: message.message.endToEndId };
    if (message.kind === 'pacs.002') return { kind: 'pacs.002', endToEndId: message.originalEndToEndId, status: message.status, reason: message.reason };
    return { kind: 'other', description: `a ${message.kind} on ${message.originalEndToEndId}` };
  } catch (err) {
    if (!(err instanceof Iso20022ReadError)) throw err;
    return readReject(xml) ?? { kind: 'other', description: `an unreadable message (${err.message})` };
  }
}

/** An admi.002's reference and reason, or null when the document is not one. */
function readReject(xml: string): Delivered | null {
  try {
    const env = parse(xml);
    if (text(env, 'Envelope', ['AppHdr', 'MsgDefIdr']) !== ADMI002_MSG_DEF_IDR) return null;
    const path = 'Envelope/Document/admi.002.001.01';
    const reject = el(env, 'Envelope', 'Document', 'admi.002.001.01');
    const rsn = el(reject, path, 'Rsn');
    const reason = text(rsn, `${path}/Rsn`, [has(rsn, 'RsnDesc') ? 'RsnDesc' : 'RjctgPtyRsn']);
    return { kind: 'admi.002', description: `${text(reject, path, ['RltdRef', 'Ref'])}: ${reason}` };
  } catch (err) {
    if (err instanceof Iso20022ReadError) return null;
    throw err;
  }
}
