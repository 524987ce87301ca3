/**
 * Records instructions the SPI takes (pending, due at their deadline); an
 * instruction id already held is skipped (ON CONFLICT: a concurrent post of
 * it waits for the first to commit). Returns the ids inserted.
 */
import type { Queryable } from '../../db/database.js';
import type { Settlement } from './settlement-row.js';

/** What the SPI knows of an instruction when it takes it. */
export type NewSettlement = Pick<
  Settlement,
  'instructionId' | 'kind' | 'originalEndToEndId' | 'debtorIspb' | 'creditorIspb' | 'amountCents' | 'acceptedAt' | 'receivedAt' | 'deadlineAt' | 'requestBizMsgIdr'
>;

const INSERT_SETTLEMENTS_SQL = `INSERT INTO settlements (instruction_id, kind, original_end_to_end_id, debtor_ispb, creditor_ispb,
                         amount_cents, accepted_at, received_at, deadline_at, request_biz_msg_idr)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                     $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[])
ON CONFLICT (instruction_id) DO NOTHING
RETURNING instruction_id`;

export async function insertSettlements(db: Queryable, rows: readonly NewSettlement[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const of = <K extends keyof NewSettlement>(key: K) => rows.map((row) => row[key]);
  const { rows: inserted } = await db.query<{ instruction_id: string }>({ name: 'spi-insert-settlements', text: INSERT_SETTLEMENTS_SQL }, [
    of('instructionId'), of('kind'), of('originalEndToEndId'), of('debtorIspb'), of('creditorIspb'), of('amountCents'),
    of('acceptedAt'), of('receivedAt'), of('deadlineAt'), of('requestBizMsgIdr'),
  ]); // prettier-ignore
  return new Set(inserted.map((row) => row.instruction_id));
}
