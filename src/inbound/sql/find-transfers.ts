/**
 * The credit transfers that status reports and returns refer to, by
 * EndToEndId: who sent each (a posted one's sender; for a generated one, its
 * payer's ISPB, the participant that would have sent it) and who received it.
 */
import type { Queryable } from '../../db/database.js';

export interface TransferParties {
  sender: string;
  receiver: string;
}

export async function findTransfers(db: Queryable, endToEndIds: readonly string[]): Promise<Map<string, TransferParties>> {
  const { rows } = await db.query<{ end_to_end_id: string; sender: string; receiver: string }>(
    `SELECT m.end_to_end_id, coalesce(m.sender_ispb, p.ispb) AS sender, m.receiver_ispb AS receiver
       FROM messages m JOIN clients p ON p.id = m.payer_id
      WHERE m.kind = 'pacs.008' AND m.end_to_end_id = ANY ($1::text[])`,
    [endToEndIds],
  );
  return new Map(rows.map((row) => [row.end_to_end_id, { sender: row.sender, receiver: row.receiver }]));
}
