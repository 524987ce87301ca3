/**
 * Stores the messages a post puts in participants' streams (handed on, or
 * the SPI's answers) in one statement, each in its receiver's queue; the
 * caller wakes the receivers once committed (../../stream/wakes.ts). Each row
 * comes with its PI-ResourceId (made in Node, so the caller knows which rows
 * went in). A row carrying a BizMsgIdr already stored is skipped (ON CONFLICT
 * DO NOTHING: under concurrency the second insert waits for the first to
 * commit, then skips), and so is a credit transfer whose EndToEndId is taken;
 * the caller tells the two apart.
 */
import type { Queryable } from '../../db/database.js';
import { columnNames, valuesList } from '../../db/values-list.js';

export type StoredKind = 'pacs.008' | 'pacs.002' | 'pacs.004' | 'admi.002' | 'camt.052' | 'camt.053' | 'pibr.002';

export interface OutboundRow {
  kind: StoredKind;
  receiverIspb: string;
  /** Who posted what this row hands on (null for the SPI's own messages). */
  senderIspb: string | null;
  /** The posted BizMsgIdr this row answers for: a repost of it finds this row. */
  bizMsgIdr: string | null;
  endToEndId: string | null;
  xml: string;
  resourceId: string;
  /** A credit transfer's challenge columns and JSON; null for other kinds. */
  transfer: { valor: number; payerId: number; receiverId: number; campoLivre: string; txId: string | null; paidAt: string; json: string } | null;
}

const COLUMNS = ['kind', 'receiver_ispb', 'sender_ispb', 'biz_msg_idr', 'end_to_end_id', 'xml', 'resource_id', 'valor::numeric', 'payer_id::bigint', 'receiver_id::bigint', 'campo_livre', 'tx_id', 'paid_at::timestamptz', 'json'];

/** One prepared statement per row count; a VALUES list, not arrays (../../db/values-list.ts). */
const statements = new Map<number, { name: string; text: string }>();
function insertSql(rows: number): { name: string; text: string } {
  let statement = statements.get(rows);
  if (!statement) {
    const text = `INSERT INTO messages (${columnNames(COLUMNS)})\n${valuesList(COLUMNS, rows)}\nON CONFLICT DO NOTHING\nRETURNING resource_id`;
    statements.set(rows, (statement = { name: `pix-insert-posted-${rows}`, text }));
  }
  return statement;
}

/** Inserts the rows; returns the PI-ResourceIds of those inserted. */
export async function insertPosted(db: Queryable, rows: readonly OutboundRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const values = rows.flatMap((row) => [
    row.kind, row.receiverIspb, row.senderIspb, row.bizMsgIdr, row.endToEndId, row.xml, row.resourceId,
    row.transfer?.valor ?? null, row.transfer?.payerId ?? null, row.transfer?.receiverId ?? null,
    row.transfer?.campoLivre ?? '', row.transfer?.txId ?? null, row.transfer?.paidAt ?? null, row.transfer?.json ?? null,
  ]); // prettier-ignore
  const { rows: inserted } = await db.query<{ resource_id: string }>({ ...insertSql(rows.length), values });
  return new Set(inserted.map((row) => row.resource_id));
}

/** PI-ResourceIds of messages already stored under these BizMsgIdrs (a sender's retry). */
export async function findPosted(db: Queryable, bizMsgIdrs: readonly string[]): Promise<Map<string, string>> {
  if (bizMsgIdrs.length === 0) return new Map();
  const { rows } = await db.query<{ biz_msg_idr: string; resource_id: string }>(
    { name: 'pix-find-posted', text: 'SELECT biz_msg_idr, resource_id FROM messages WHERE biz_msg_idr = ANY ($1::text[])' },
    [bizMsgIdrs],
  );
  return new Map(rows.map((row) => [row.biz_msg_idr, row.resource_id]));
}
