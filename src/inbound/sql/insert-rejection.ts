/** Puts admi.002s (the SPI's rejections of messages) in the sender's stream; the caller wakes the sender once committed. */
import type { Queryable } from '../../db/database.js';

export async function insertRejections(db: Queryable, senderIspb: string, xmls: readonly string[]): Promise<void> {
  await db.query(
    { name: 'pix-insert-rejections', text: `INSERT INTO messages (kind, receiver_ispb, xml) SELECT 'admi.002', $1, x FROM unnest($2::text[]) AS u (x)` },
    [senderIspb, xmls],
  );
}
