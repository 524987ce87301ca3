/**
 * What virtual participants post, as a participant writes it (AppHdr Fr =
 * the virtual ISPB, To = the SPI), rendered by src/iso20022 so the SPI reads
 * it as it reads a bank's. Ids are derived from what the message is (the
 * planned answer, the run and its sequence number), never drawn anew: a
 * message composed again after a crash is a repost of the first.
 */
import { randomCampoLivre, randomParty } from '../generation/rules/parties.js';
import { txId } from '../generation/rules/ids.js';
import { randomValor } from '../generation/rules/random.js';
import { newBizMsgIdr, newEndToEndId, newReturnId } from '../iso20022/ids.js';
import { SPI_ISPB, type PixMessage } from '../iso20022/message.js';
import { renderPacs002 } from '../iso20022/pacs002.js';
import { renderPacs004 } from '../iso20022/pacs004.js';
import { renderPacs008 } from '../iso20022/pacs008.js';
import type { DueAnswer } from './sql/answers.js';
import type { PaymentRun } from './sql/payment-runs.js';

/** The pacs.002 (ACSP, RJCT, or a second ACSP) or pacs.004 that a due answer is. */
export function answerXml(a: DueAnswer): string {
  const header = { bizMsgIdr: a.bizMsgIdr, from: a.ispb, to: SPI_ISPB, createdAt: a.dueAt };
  if (a.kind === 'return') {
    const returnId = newReturnId(a.ispb, a.dueAt, a.bizMsgIdr);
    return renderPacs004({ returnId, originalEndToEndId: a.endToEndId, amount: a.amountCents! / 100, reason: a.reason ?? 'MD06' }, header);
  }
  const status = a.kind === 'RJCT' ? 'RJCT' : 'ACSP';
  const instruction = a.instructionId === a.endToEndId ? {} : { originalInstructionId: a.instructionId };
  return renderPacs002({ originalEndToEndId: a.endToEndId, ...instruction, status, reason: status === 'RJCT' ? a.reason : null }, header);
}

/** The time payment `n` of the run is due: the run's start plus n at its rate. */
export function dueAtOf(run: PaymentRun, n: number): Date {
  return new Date(run.startedAt.getTime() + (n * 1000) / run.perSecond);
}

/** Payment `n` (0-based) of the run: a pacs.008 from the virtual payer to `run.to`. */
export function paymentXml(run: PaymentRun, n: number): string {
  const at = dueAtOf(run, n);
  const key = `${run.id}:${n}`;
  const message: PixMessage = {
    endToEndId: newEndToEndId(run.ispb, at, key),
    valor: run.amountCents === null ? randomValor() : run.amountCents / 100,
    pagador: randomParty(run.ispb),
    recebedor: randomParty(run.to),
    campoLivre: randomCampoLivre(),
    txId: run.localInstrument === 'QRDN' ? txId() : null,
    dataHoraPagamento: at.toISOString(),
  };
  return renderPacs008(message, { bizMsgIdr: newBizMsgIdr(run.ispb, at, key), from: run.ispb, to: SPI_ISPB, createdAt: at });
}
