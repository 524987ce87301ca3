/**
 * The SPI's answers to a participant's queries, on its own stream (both
 * modes): camt.060 → camt.053 (the reserve account's balance now) or camt.052
 * (how many entries the account booked in the period, and where its statement
 * is: GET /api/util/accounts/{ispb}/entries, as the SPI names a statement
 * file); pibr.001 → pibr.002, echoing its Data (bacen/pix-perguntas-e-respostas#433).
 * A participant asks about its own account only (else an admi.002). A period
 * is of whole UTC days; none given is today.
 */
import type { Queryable } from '../db/database.js';
import { RejectedMessage } from '../inbound/errors.js';
import type { Handled } from '../inbound/handled.js';
import { newBizMsgIdr, newResourceId } from '../iso20022/ids.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import { SPI_ISPB } from '../iso20022/message.js';
import { renderCamt052, renderCamt053, renderPibr002 } from '../iso20022/spi-answers.js';
import type { OutboundRow } from '../inbound/sql/insert-posted.js';
import { formatCents } from './money.js';
import { openAccounts } from './sql/open-accounts.js';
import { countEntries, readAccount } from './sql/read-account.js';

type Query = Extract<InboundMessage, { kind: 'camt.060' | 'pibr.001' }>;

const DAY_MS = 86_400_000;

/** [from, to) of a period of whole UTC days, FrDt to ToDt inclusive. */
export function periodOf(from: string | null, to: string | null, at: Date): { from: Date; to: Date } {
  const first = from ?? at.toISOString().slice(0, 10);
  return { from: new Date(`${first}T00:00:00.000Z`), to: new Date(Date.parse(`${to ?? first}T00:00:00.000Z`) + DAY_MS) };
}

export function statementPath(ispb: string, from: Date, to: Date): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `/api/util/accounts/${ispb}/entries?from=${day(from)}&to=${day(new Date(to.getTime() - DAY_MS))}`;
}

export async function answerQuery(db: Queryable, sender: string, m: Query, at: Date, openingCents: number, part: number | null): Promise<Handled> {
  const header = { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to: sender, createdAt: at };
  const row = (kind: OutboundRow['kind'], xml: string): Handled => ({
    rows: [{ kind, receiverIspb: sender, senderIspb: null, bizMsgIdr: m.header.bizMsgIdr, endToEndId: null, xml, resourceId: newResourceId(at), transfer: null }],
  });
  if (m.kind === 'pibr.001') return row('pibr.002', renderPibr002({ data: m.data }, header));
  if (m.account !== sender) {
    return new RejectedMessage(part, 'Envelope/Document/AcctRptgReq/RptgReq/AcctOwnr/Agt/FinInstnId/ClrSysMmbId/MmbId', `${sender} may ask about its own reserve account only, not ${m.account}`, false, m.header.bizMsgIdr);
  }
  await openAccounts(db, [sender], openingCents, at);
  if (m.requested === 'camt.053') {
    const account = (await readAccount(db, sender))!;
    return row('camt.053', renderCamt053({ requestMsgId: m.header.bizMsgIdr, ispb: sender, balance: formatCents(account.balanceCents), at }, header));
  }
  const period = periodOf(m.from, m.to, at);
  const entries = await countEntries(db, sender, period.from, period.to);
  return row('camt.052', renderCamt052({ requestMsgId: m.header.bizMsgIdr, ispb: sender, entries, where: statementPath(sender, period.from, period.to) }, header));
}
