/**
 * Settlement mode (SPI_SETTLEMENT=on, the default): the SPI between the
 * participants, as docs/spi.md tells it with its sources.
 *   pacs.008  held as a pending instruction (due SPI_SETTLEMENT_TIMEOUT_S after
 *             its AccptncDtTm) and handed on to its creditor agent
 *   pacs.002  the creditor's answer to an instruction: ACSP settles it (one
 *             transaction: debit, credit, ledger, ACSC and ACCC), RJCT rejects
 *             it; answers.ts decides
 *   pacs.004  a return of a settled transfer, held and handed on to the
 *             transfer's payer, who answers it as a receiver answers a payment
 *   camt.060, pibr.001  answered (queries.ts)
 * Every decision takes the instruction's row lock, so it is made once across
 * any number of API processes; a repost of a message already taken is
 * recognised by its BizMsgIdr (request_biz_msg_idr, answer_biz_msg_idr).
 */
import type { Queryable } from '../db/database.js';
import { RejectedMessage } from '../inbound/errors.js';
import type { Handled, Handler, PartOf } from '../inbound/handled.js';
import { creditTransferRows, handOn, type CreditTransfer } from '../inbound/hand-on.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import { takeAnswer } from './answers.js';
import { centsOf } from './money.js';
import { answerQuery } from './queries.js';
import { rejectedReports, rejection } from './reports.js';
import { insertSettlements, type NewSettlement } from './sql/insert-settlements.js';
import { lockSettlement, readSettlements } from './sql/lock-settlement.js';
import { lockAccounts } from './sql/book-settlement.js';
import { openAccounts } from './sql/open-accounts.js';
import { returnsHeld } from './sql/returns-held.js';
import type { Settlement } from './sql/settlement-row.js';

export interface SettlementSettings {
  openingCents: number;
  timeoutS: number;
}

type PaymentReturn = Extract<InboundMessage, { kind: 'pacs.004' }>;

const RETURNED = 'Envelope/Document/PmtRtr/TxInf/OrgnlEndToEndId';

function instruction(m: CreditTransfer, at: Date, timeoutS: number): NewSettlement {
  // A payer's clock ahead of ours would give it more than the deadline: its acceptance is taken as now at the latest.
  const acceptedAt = new Date(Math.min(Date.parse(m.message.dataHoraPagamento), at.getTime()));
  return {
    instructionId: m.message.endToEndId,
    kind: 'pacs.008',
    originalEndToEndId: m.message.endToEndId,
    debtorIspb: m.message.pagador.ispb,
    creditorIspb: m.message.recebedor.ispb,
    amountCents: centsOf(m.message.valor),
    acceptedAt,
    receivedAt: at,
    deadlineAt: new Date(acceptedAt.getTime() + timeoutS * 1000),
    requestBizMsgIdr: m.header.bizMsgIdr,
  };
}

/**
 * An EndToEndId the SPI already holds, under another BizMsgIdr: the same
 * payment sent again (the same amount, creditor and AccptncDtTm, which a
 * resend keeps: bacen/pix-perguntas-e-respostas#442) is answered with its
 * outcome once decided, and with nothing while pending; another payment
 * under a used EndToEndId is rejected, DUPL.
 */
function sentAgain(m: CreditTransfer, held: Settlement, fresh: NewSettlement, at: Date): Handled {
  const same = held.amountCents === fresh.amountCents && held.creditorIspb === fresh.creditorIspb && held.acceptedAt.getTime() === fresh.acceptedAt.getTime();
  if (!same) return rejection(fresh, 'DUPL', `EndToEndId ${held.instructionId} was already used by another payment`, at, m.header.bizMsgIdr, false);
  if (held.state === 'pending') return { rows: [] };
  if (held.state === 'rejected') return { rows: rejectedReports(held, held.reason!, 'the outcome of this payment, sent again', at, m.header.bizMsgIdr, false) };
  return { rows: [] }; // settled: its ACSC was delivered once; a resend adds nothing to settle
}

async function takeTransfers(db: Queryable, sender: string, transfers: CreditTransfer[], at: Date, partOf: PartOf, settings: SettlementSettings): Promise<Handled[]> {
  const rows = await creditTransferRows(db, sender, transfers, at, partOf);
  const taken = transfers.flatMap((m, i) => (rows[i] instanceof RejectedMessage ? [] : [{ m, fresh: instruction(m, at, settings.timeoutS) }]));
  await openAccounts(db, [sender, ...taken.map(({ fresh }) => fresh.creditorIspb)], settings.openingCents, at);
  const inserted = await insertSettlements(db, taken.map(({ fresh }) => fresh));
  const held = await readSettlements(db, taken.filter(({ fresh }) => !inserted.has(fresh.instructionId)).map(({ fresh }) => fresh.instructionId));
  const firstTaker = new Set<string>();
  return transfers.map((m, i): Handled => {
    const row = rows[i]!;
    if (row instanceof RejectedMessage) return row;
    const fresh = instruction(m, at, settings.timeoutS);
    // Inserted by this request: the first message of this id in it is the one held; another in the same request is a duplicate.
    if (inserted.has(fresh.instructionId) && !firstTaker.has(fresh.instructionId)) {
      firstTaker.add(fresh.instructionId);
      return { rows: [row] };
    }
    const holding = held.get(fresh.instructionId);
    if (holding?.requestBizMsgIdr === m.header.bizMsgIdr) return { repost: true };
    if (holding) return sentAgain(m, holding, fresh, at);
    return rejection(fresh, 'DUPL', `EndToEndId ${fresh.instructionId} is sent twice in this request`, at, m.header.bizMsgIdr, false);
  });
}

async function takeReturn(db: Queryable, sender: string, m: PaymentReturn, at: Date, part: number | null, settings: SettlementSettings): Promise<Handled> {
  const reject = (field: string, reason: string) => new RejectedMessage(part, field, reason, false, m.header.bizMsgIdr);
  const transfer = await lockSettlement(db, m.originalEndToEndId);
  if (!transfer || transfer.kind !== 'pacs.008') return reject(RETURNED, `no payment ${m.originalEndToEndId} is held by the SPI`);
  if (transfer.creditorIspb !== sender) return reject(RETURNED, `only the receiver of ${m.originalEndToEndId} (${transfer.creditorIspb}) may return it`);
  if (transfer.state !== 'settled') return reject(RETURNED, `payment ${m.originalEndToEndId} was not settled (it is ${transfer.state}): there is nothing to return`);
  const fresh: NewSettlement = {
    instructionId: m.returnId,
    kind: 'pacs.004',
    originalEndToEndId: m.originalEndToEndId,
    debtorIspb: sender,
    creditorIspb: transfer.debtorIspb,
    amountCents: centsOf(m.amount),
    acceptedAt: at,
    receivedAt: at,
    deadlineAt: new Date(at.getTime() + settings.timeoutS * 1000),
    requestBizMsgIdr: m.header.bizMsgIdr,
  };
  const held = await returnsHeld(db, m.originalEndToEndId);
  if (held + fresh.amountCents > transfer.amountCents) {
    const detail = `returns of ${m.originalEndToEndId} would reach ${held + fresh.amountCents} cents of its ${transfer.amountCents}`;
    return rejection(fresh, 'AM09', detail, at, m.header.bizMsgIdr, false);
  }
  if ((await insertSettlements(db, [fresh])).size === 0) {
    const [existing] = (await readSettlements(db, [m.returnId])).values();
    if (existing?.requestBizMsgIdr === m.header.bizMsgIdr) return { repost: true };
    return rejection(fresh, 'DUPL', `RtrId ${m.returnId} was already used by another return`, at, m.header.bizMsgIdr, false);
  }
  return { rows: [handOn(m, transfer.debtorIspb, at, null, m.originalEndToEndId)] };
}

/**
 * Locks, in ISPB order and before any answer is taken, every account the
 * request's answers may move. Locking each answer's pair as it came (in ISPB
 * order within the pair) let two requests, each answering for several
 * payers, take their pairs in crossing orders: with 6 clients posting 10
 * answers each among 100 participants, 59 of 2,037 posts ended in deadlocks
 * the retries did not get past (bench/settlement-rate.ts).
 */
async function lockAnswersAccounts(db: Queryable, answers: Extract<InboundMessage, { kind: 'pacs.002' }>[]): Promise<void> {
  if (answers.length < 2) return; // one answer locks its own pair in order
  const held = await readSettlements(db, answers.map((m) => m.originalInstructionId));
  await lockAccounts(db, [...held.values()].flatMap((s) => [s.debtorIspb, s.creditorIspb]));
}

export function settlementHandler(settings: SettlementSettings): Handler {
  return async (db, sender, messages, at, partOf) => {
    const transfers = messages.filter((m): m is CreditTransfer => m.kind === 'pacs.008');
    const taken = await takeTransfers(db, sender, transfers, at, partOf, settings);
    const byTransfer = new Map(transfers.map((m, i) => [m, taken[i]!]));
    await lockAnswersAccounts(db, messages.filter((m): m is Extract<InboundMessage, { kind: 'pacs.002' }> => m.kind === 'pacs.002'));
    const handled: Handled[] = [];
    for (const m of messages) {
      if (m.kind === 'pacs.008') handled.push(byTransfer.get(m)!);
      else if (m.kind === 'pacs.002') handled.push(await takeAnswer(db, sender, m, at, partOf(m)));
      else if (m.kind === 'pacs.004') handled.push(await takeReturn(db, sender, m, at, partOf(m), settings));
      else handled.push(await answerQuery(db, sender, m, at, settings.openingCents, partOf(m)));
    }
    return handled;
  };
}
