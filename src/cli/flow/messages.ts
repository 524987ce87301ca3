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
 * Read: each delivered document through the API's own readers: B's
 * transfers arrive as A wrote them, with the SPI's AppHdr; A's reports are
 * B's answers handed on (a relaying SPI) or the SPI's own (ACSC or RJCT, and
 * ACCC to B, when it settles). An admi.002 is the SPI refusing something one
 * side posted.
 */
import { randomCampoLivre, randomParty } from '../../generation/rules/parties.js';
import { txId } from '../../generation/rules/ids.js';
import { randomValor } from '../../generation/rules/random.js';
import { newBizMsgIdr, newEndToEndId } from '../../iso20022/ids.js';
import { readInbound } from '../../iso20022/inbound.js';
import { SPI_ISPB, type PixMessage } from '../../iso20022/message.js';
import { renderPacs002 } from '../../iso20022/pacs002.js';
import { renderPacs008 } from '../../iso20022/pacs008.js';
import { readRejection, readReport } from '../../iso20022/delivered-read.js';
import { Iso20022ReadError } from '../../iso20022/read.js';
import type { Pacs002Status } from '../../iso20022/pacs002.js';

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
  /** ACSP or RJCT handed on by a relaying SPI; ACSC, ACCC or RJCT from a settling one. */
  | { kind: 'pacs.002'; endToEndId: string; status: Pacs002Status; reason: string | null }
  | { kind: 'admi.002'; description: string }
  /** Anything else (a return, a document this reader refuses): not part of the rehearsal. */
  | { kind: 'other'; description: string };

export function readDelivered(xml: string): Delivered {
  const report = readReport(xml);
  if (report) return { kind: 'pacs.002', endToEndId: report.originalEndToEndId, status: report.status, reason: report.reason };
  const rejection = readRejection(xml);
  if (rejection !== null) return { kind: 'admi.002', description: rejection };
  try {
    const message = readInbound(xml);
    if (message.kind === 'pacs.008') return { kind: 'pacs.008', endToEndId: message.message.endToEndId };
    return { kind: 'other', description: `a ${message.kind}` };
  } catch (err) {
    if (!(err instanceof Iso20022ReadError)) throw err;
    return { kind: 'other', description: `an unreadable message (${err.message})` };
  }
}
