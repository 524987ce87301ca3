/** Puts an admi.002 (the SPI's rejection of a message) in the sender's stream; the caller wakes the sender once it committed. */
import type { Queryable } from '../../db/database.js';

export async function insertRejection(db: Queryable, senderIspb: string, xml: string): Promise<void> {
  await db.query(`INSERT INTO messages (kind, receiver_ispb, xml) VALUES ('admi.002', $1, $2)`, [senderIspb, xml]);
}
