/**
 * What virtual participants will post, and when (virtual_answers): planned
 * when they fetch an instruction, claimed by lease once due, deleted once
 * posted. A lease that runs out (its process died) lets another process
 * claim the row again; its fixed BizMsgIdr makes the second post a repost.
 */
import type { Queryable } from '../../db/database.js';

export type AnswerKind = 'ACSP' | 'RJCT' | 'duplicate' | 'return';

export interface PlannedAnswer {
  ispb: string;
  /** The instruction answered (EndToEndId or RtrId); for a return, the payment returned. */
  instructionId: string;
  endToEndId: string;
  kind: AnswerKind;
  /** The RJCT's code, or the return's. */
  reason: string | null;
  /** A return's amount. */
  amountCents: number | null;
  bizMsgIdr: string;
  dueAt: Date;
}

export interface DueAnswer extends PlannedAnswer {
  id: number;
  /** The state of the payment a return returns (pending, settled, rejected; null when unknown). */
  paymentState: string | null;
}

const PLAN_SQL = `
INSERT INTO virtual_answers (ispb, instruction_id, end_to_end_id, kind, reason, amount_cents, biz_msg_idr, due_at)
SELECT * FROM unnest($1::char(8)[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::bigint[], $7::varchar[], $8::timestamptz[])
ON CONFLICT (instruction_id, kind) DO NOTHING`;

/** Plans answers; one already planned for the same instruction and kind is kept as it was. */
export async function planAnswers(db: Queryable, answers: readonly PlannedAnswer[]): Promise<void> {
  if (answers.length === 0) return;
  const column = <K extends keyof PlannedAnswer>(key: K) => answers.map((a) => a[key]);
  await db.query(PLAN_SQL, [column('ispb'), column('instructionId'), column('endToEndId'), column('kind'), column('reason'), column('amountCents'), column('bizMsgIdr'), column('dueAt')]);
}

const CLAIM_SQL = `
UPDATE virtual_answers a SET claimed_until = now() + make_interval(secs => $2)
 WHERE a.id IN (SELECT id FROM virtual_answers
                 WHERE due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                 ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING a.id, a.ispb, a.instruction_id, a.end_to_end_id, a.kind, a.reason, a.amount_cents, a.biz_msg_idr, a.due_at,
          (SELECT s.state FROM settlements s WHERE s.instruction_id = a.end_to_end_id) AS payment_state`;

interface DueRow {
  id: string;
  ispb: string;
  instruction_id: string;
  end_to_end_id: string;
  kind: AnswerKind;
  reason: string | null;
  amount_cents: string | null;
  biz_msg_idr: string;
  due_at: Date;
  payment_state: string | null;
}

/** Up to `limit` due answers, leased for `leaseS` seconds, oldest first. */
export async function claimDueAnswers(db: Queryable, limit: number, leaseS: number): Promise<DueAnswer[]> {
  const { rows } = await db.query<DueRow>(CLAIM_SQL, [limit, leaseS]);
  return rows.map((r) => ({
    id: Number(r.id),
    ispb: r.ispb,
    instructionId: r.instruction_id,
    endToEndId: r.end_to_end_id,
    kind: r.kind,
    reason: r.reason,
    amountCents: r.amount_cents === null ? null : Number(r.amount_cents),
    bizMsgIdr: r.biz_msg_idr,
    dueAt: r.due_at,
    paymentState: r.payment_state,
  }));
}

/** Puts answers back, due again in `afterS` seconds (a return whose payment has not settled yet). */
export async function postponeAnswers(db: Queryable, ids: readonly number[], afterS: number): Promise<void> {
  if (ids.length > 0) await db.query('UPDATE virtual_answers SET due_at = now() + make_interval(secs => $2), claimed_until = NULL WHERE id = ANY ($1::bigint[])', [ids, afterS]);
}

export async function deleteAnswers(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await db.query('DELETE FROM virtual_answers WHERE id = ANY ($1::bigint[])', [ids]);
}

/** When the next planned answer not leased to anyone falls due (null: none). */
export async function nextAnswerDue(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ due: Date | null }>('SELECT min(due_at) AS due FROM virtual_answers WHERE claimed_until IS NULL OR claimed_until < now()');
  return rows[0]!.due;
}
