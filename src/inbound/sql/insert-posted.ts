/**
 * Stores posted messages in one statement, each in its receiver's queue; the
 * caller wakes the receivers once committed (../../stream/wakes.ts). A BizMsgIdr already
 * stored is skipped (ON CONFLICT DO NOTHING: under concurrency the second
 * insert waits for the first to commit, then skips), and so is a credit
 * transfer whose EndToEndId is taken; the caller tells the two apart.
 * Returns the PI-ResourceId and receiver of each message inserted, by BizMsgIdr.
 */
import type { Queryable } from '../../db/database.js';
import { columnNames, valuesList } from '../../db/values-list.js';

export interface PostedRow {
  kind: 'pacs.008' | 'pacs.002' | 'pacs.004';
  receiverIspb: string;
  senderIspb: string;
  bizMsgIdr: string;
  endToEndId: string;
  xml: string;
  /** A credit transfer's challenge columns and JSON; null for other kinds. */
  transfer: { valor: number; payerId: number; receiverId: number; campoLivre: string; txId: string | null; paidAt: string; json: string } | null;
}

const COLUMNS = ['kind', 'receiver_ispb', 'sender_ispb', 'biz_msg_idr', 'end_to_end_id', 'xml', 'valor::numeric', 'payer_id::bigint', 'receiver_id::bigint', 'campo_livre', 'tx_id', 'paid_at::timestamptz', 'json'];

/** One prepared statement per row count (a request holds 1 to 10 messages); a VALUES list, not arrays (../../db/values-list.ts). */
const statements = new Map<number, { name: string; text: string }>();
function insertPostedSql(rows: number): { name: string; text: string } {
  let statement = statements.get(rows);
  if (!statement) {
    const text = `INSERT INTO messages (${columnNames(COLUMNS)})\n${valuesList(COLUMNS, rows)}\nON CONFLICT DO NOTHING\nRETURNING biz_msg_idr, resource_id, receiver_ispb`;
    statements.set(rows, (statement = { name: `pix-insert-posted-${rows}`, text }));
  }
  return statement;
}

export interface Inserted {
  resourceId: string;
  receiverIspb: string;
}

export async function insertPosted(db: Queryable, rows: readonly PostedRow[]): Promise<Map<string, Inserted>> {
  const values = rows.flatMap((row) => [
    row.kind, row.receiverIspb, row.senderIspb, row.bizMsgIdr, row.endToEndId, row.xml,
    row.transfer?.valor ?? null, row.transfer?.payerId ?? null, row.transfer?.receiverId ?? null,
    row.transfer?.campoLivre ?? '', row.transfer?.txId ?? null, row.transfer?.paidAt ?? null, row.transfer?.json ?? null,
  ]);
  const { rows: inserted } = await db.query<{ biz_msg_idr: string; resource_id: string; receiver_ispb: string }>({ ...insertPostedSql(rows.length), values });
  return new Map(inserted.map((row) => [row.biz_msg_idr, { resourceId: row.resource_id, receiverIspb: row.receiver_ispb }]));
}

/** PI-ResourceIds of messages already stored under these BizMsgIdrs (a sender's retry). */
export async function findPosted(db: Queryable, bizMsgIdrs: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ biz_msg_idr: string; resource_id: string }>(
    { name: 'pix-find-posted', text: 'SELECT biz_msg_idr, resource_id FROM messages WHERE biz_msg_idr = ANY ($1::text[])' },
    [bizMsgIdrs],
  );
  return new Map(rows.map((row) => [row.biz_msg_idr, row.resource_id]));
}
