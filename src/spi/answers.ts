/**
 * A creditor's answer (pacs.002) to an instruction the SPI holds, decided
 * under the instruction's row lock:
 *   ACSP  settles: the money moves (book-settlement.ts), ACSC to the debtor and
 *         ACCC to the creditor; a debtor's balance short is RJCT AM04 to both
 *   RJCT  rejects with the creditor's reason, RJCT to the debtor
 *   past the deadline (the job had not run yet): rejected AB03, to both
 * Not the SPI's to take (an admi.002): an answer to an instruction it does not
 * hold, one from a participant other than its creditor (the SPI's own words
 * for this, in bacen/pix-perguntas-e-respostas#184: the issuer of the payment
 * status differs from the credited participant), and a second answer to a
 * decided instruction (a receiver cannot reject after settlement:
 * bacen/pix-api#514). The same answer posted again is a repost.
 */
import type { Queryable } from '../db/database.js';
import { RejectedMessage } from '../inbound/errors.js';
import type { Handled } from '../inbound/handled.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import { rejection, settlement } from './reports.js';
import { bookSettlement } from './sql/book-settlement.js';
import { addReturned, decideSettlement } from './sql/decide-settlement.js';
import { lockSettlement } from './sql/lock-settlement.js';
import type { Settlement } from './sql/settlement-row.js';

type StatusReport = Extract<InboundMessage, { kind: 'pacs.002' }>;

const TX = 'Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts';

/** The SPI's timeout of an instruction past its deadline: RJCT AB03 to both sides; `answersFor` as in reports.ts. */
export async function expire(db: Queryable, s: Settlement, at: Date, answersFor: string | null): Promise<Handled> {
  await decideSettlement(db, { instructionId: s.instructionId, state: 'rejected', reason: 'AB03', answerBizMsgIdr: answersFor, at });
  const after = Math.round((s.deadlineAt.getTime() - s.acceptedAt.getTime()) / 1000);
  return rejection(s, 'AB03', `not settled within ${after} s of its acceptance`, at, answersFor, true);
}

function closed(s: Settlement): string {
  const when = s.decidedAt!.toISOString();
  return s.state === 'settled' ? `settled at ${when}` : `rejected with ${s.reason} at ${when}`;
}

export async function takeAnswer(db: Queryable, sender: string, m: StatusReport, at: Date, part: number | null): Promise<Handled> {
  const field = m.originalInstructionId === m.originalEndToEndId ? `${TX}/OrgnlEndToEndId` : `${TX}/OrgnlInstrId`;
  const reject = (reason: string) => new RejectedMessage(part, field, reason, false, m.header.bizMsgIdr);
  const s = await lockSettlement(db, m.originalInstructionId);
  if (!s || s.originalEndToEndId !== m.originalEndToEndId) return reject(`no payment or return ${m.originalInstructionId} of ${m.originalEndToEndId} is held by the SPI`);
  if (s.creditorIspb !== sender) return reject(`the answer's sender ${sender} is not the credited participant of ${s.instructionId} (${s.creditorIspb})`);
  if (s.answerBizMsgIdr === m.header.bizMsgIdr) return { repost: true };
  if (s.state !== 'pending') return reject(`${s.instructionId} was already ${closed(s)}: a later answer moves nothing`);
  if (at.getTime() >= s.deadlineAt.getTime()) return expire(db, s, at, m.header.bizMsgIdr);
  const decide = (state: 'settled' | 'rejected', reason: string | null) => decideSettlement(db, { instructionId: s.instructionId, state, reason, answerBizMsgIdr: m.header.bizMsgIdr, at });
  if (m.status === 'RJCT') {
    await decide('rejected', m.reason);
    return rejection(s, m.reason!, `rejected by ${sender}`, at, m.header.bizMsgIdr, false);
  }
  const kind = s.kind === 'pacs.008' ? 'transfer' : 'return';
  if (!(await bookSettlement(db, { debtorIspb: s.debtorIspb, creditorIspb: s.creditorIspb, amountCents: s.amountCents, kind, reference: s.instructionId, at }))) {
    await decide('rejected', 'AM04');
    return rejection(s, 'AM04', `the reserve account of ${s.debtorIspb} is short of ${s.amountCents} cents`, at, m.header.bizMsgIdr, true);
  }
  await decide('settled', null);
  if (s.kind === 'pacs.004') await addReturned(db, s.originalEndToEndId, s.amountCents);
  return settlement(s, at, m.header.bizMsgIdr);
}
