/**
 * Closes a pending instruction: settled, or rejected with its reason; a
 * settled return adds its amount to the returned share of its transfer. The
 * `state = 'pending'` condition makes a second decision a no-op (returns
 * false) even if a caller had not locked the row.
 */
import type { Queryable } from '../../db/database.js';

const DECIDE_SQL = `UPDATE settlements SET state = $2, reason = $3, answer_biz_msg_idr = $4, decided_at = $5
 WHERE instruction_id = $1 AND state = 'pending'`;

const ADD_RETURNED_SQL = `UPDATE settlements SET returned_cents = returned_cents + $2 WHERE instruction_id = $1`;

export interface Decision {
  instructionId: string;
  state: 'settled' | 'rejected';
  reason: string | null;
  /** The answer that decided it (null for the SPI's own decisions: a deadline). */
  answerBizMsgIdr: string | null;
  at: Date;
}

export async function decideSettlement(db: Queryable, d: Decision): Promise<boolean> {
  const result = await db.query({ name: 'spi-decide-settlement', text: DECIDE_SQL }, [d.instructionId, d.state, d.reason, d.answerBizMsgIdr, d.at]);
  return result.rowCount === 1;
}

export async function addReturned(db: Queryable, transferId: string, amountCents: number): Promise<void> {
  await db.query({ name: 'spi-add-returned', text: ADD_RETURNED_SQL }, [transferId, amountCents]);
}
