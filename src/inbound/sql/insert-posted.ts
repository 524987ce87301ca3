/**
 * Stores posted messages in one statement, each in its receiver's queue; the
 * caller wakes the receivers once committed (../../stream/wakes.ts). A BizMsgIdr already
 * stored is skipped (ON CONFLICT DO NOTHING: under concurrency the second
 * insert waits for the first to commit, then skips), and so is a credit
 * transfer whose EndToEndId is taken; the caller tells the two apart.
 * Returns the PI-ResourceId and receiver of each message inserted, by BizMsgIdr.
 */
import type { Queryable } from '../../db/database.js';

export interface PostedRow {
  kind: 'pacs.008' | 'pacs.002' | 'pacs.004';
  receiverIspb: string;
  senderIspb: string;
  bizMsgIdr: string;
  endToEndId: string;
  xml: string;
  /** A credit transfer's challenge columns and JSON; null for other kinds. */
  transfer: { valor: number; payerId: number; receiverId: number; campoLivre: string; txId: string; paidAt: string; json: string } | null;
}

const INSERT_POSTED_SQL = `INSERT INTO messages (kind, receiver_ispb, sender_ispb, biz_msg_idr, end_to_end_id, xml,
                      valor, payer_id, receiver_id, campo_livre, tx_id, paid_at, json)
SELECT k, r, s, b, e, x, v, p, c, coalesce(l, ''), t, a, j
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
              $7::numeric[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::timestamptz[], $13::text[])
       AS u (k, r, s, b, e, x, v, p, c, l, t, a, j)
ON CONFLICT DO NOTHING
RETURNING biz_msg_idr, resource_id, receiver_ispb`;

export interface Inserted {
  resourceId: string;
  receiverIspb: string;
}

export async function insertPosted(db: Queryable, rows: readonly PostedRow[]): Promise<Map<string, Inserted>> {
  const of = <T>(pick: (row: PostedRow) => T) => rows.map(pick);
  const { rows: inserted } = await db.query<{ biz_msg_idr: string; resource_id: string; receiver_ispb: string }>(
    { name: 'pix-insert-posted', text: INSERT_POSTED_SQL },
    [
      of((row) => row.kind),
      of((row) => row.receiverIspb),
      of((row) => row.senderIspb),
      of((row) => row.bizMsgIdr),
      of((row) => row.endToEndId),
      of((row) => row.xml),
      of((row) => row.transfer?.valor ?? null),
      of((row) => row.transfer?.payerId ?? null),
      of((row) => row.transfer?.receiverId ?? null),
      of((row) => row.transfer?.campoLivre ?? null),
      of((row) => row.transfer?.txId ?? null),
      of((row) => row.transfer?.paidAt ?? null),
      of((row) => row.transfer?.json ?? null),
    ],
  );
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
