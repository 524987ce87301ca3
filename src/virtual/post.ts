/**
 * The virtual participants' side of the SPI's inbound path: their due
 * answers and their due payments, posted through the same InboundService a
 * bank's posts go through (checks, settlement, reports), each in its own
 * participant's name.
 */
import type { Queryable } from '../db/database.js';
import type { InboundService } from '../inbound/service.js';
import { answerXml, dueAtOf, paymentXml } from './messages.js';
import { claimDueAnswers, deleteAnswers, postponeAnswers, type DueAnswer } from './sql/answers.js';
import { advanceRun, claimRuns } from './sql/payment-runs.js';

/**
 * Claimed rows are leased this long: a process that dies with them leaves
 * them to another after it. Short, because posting twice is safe (the second
 * post carries the same BizMsgIdr: a repost); the lease only saves the work.
 */
const LEASE_S = 5;
const ANSWERS_PER_ROUND = 500;
/** Payments one run posts per round, in requests of POST_SIZE (as a bank posts up to 10 or so at a time). */
const PAYMENTS_PER_ROUND = 500;
const POST_SIZE = 50;

function byIspb(answers: DueAnswer[]): Map<string, DueAnswer[]> {
  const groups = new Map<string, DueAnswer[]>();
  for (const a of answers) groups.set(a.ispb, [...(groups.get(a.ispb) ?? []), a]);
  return groups;
}

/**
 * Posts the answers that are due; the number posted. A return waits for its
 * payment to settle, and is dropped if the payment was rejected.
 */
export async function postDueAnswers(db: Queryable, inbound: InboundService): Promise<number> {
  const due = await claimDueAnswers(db, ANSWERS_PER_ROUND, LEASE_S);
  const waiting = due.filter((a) => a.kind === 'return' && a.paymentState === 'pending');
  const dropped = due.filter((a) => a.kind === 'return' && a.paymentState !== 'pending' && a.paymentState !== 'settled');
  const ready = due.filter((a) => a.kind !== 'return' || a.paymentState === 'settled');
  await postponeAnswers(db, waiting.map((a) => a.id), 1);
  await deleteAnswers(db, dropped.map((a) => a.id));
  for (const [ispb, answers] of byIspb(ready)) {
    for (let i = 0; i < answers.length; i += POST_SIZE) {
      const part = answers.slice(i, i + POST_SIZE);
      await inbound.accept(ispb, part.map(answerXml));
      await deleteAnswers(db, part.map((a) => a.id));
    }
  }
  return ready.length;
}

/** Posts every running run's payments that are due; the number posted, and when the next one falls due. */
export async function sendDuePayments(db: Queryable, inbound: InboundService): Promise<{ sent: number; nextDueAt: number | null }> {
  const runs = await claimRuns(db, 20, LEASE_S);
  let sent = 0;
  let nextDueAt: number | null = null;
  for (const run of runs) {
    const now = Date.now();
    const dueCount = Math.min(run.total, Math.floor(((now - run.startedAt.getTime()) / 1000) * run.perSecond) + 1);
    const upTo = Math.min(dueCount, run.sent + PAYMENTS_PER_ROUND);
    for (let n = run.sent; n < upTo; n += POST_SIZE) {
      const last = Math.min(upTo, n + POST_SIZE);
      await inbound.accept(run.ispb, Array.from({ length: last - n }, (_, k) => paymentXml(run, n + k)));
    }
    await advanceRun(db, run.id, upTo);
    sent += upTo - run.sent;
    if (upTo < run.total) nextDueAt = Math.min(nextDueAt ?? Infinity, dueAtOf(run, upTo).getTime());
  }
  return { sent, nextDueAt };
}
