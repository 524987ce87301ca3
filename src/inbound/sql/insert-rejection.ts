/** Puts an admi.002 (the SPI's rejection of a message) in the sender's stream and wakes it. */
import type { Queryable } from '../../db/database.js';
import { MESSAGES_CHANNEL } from '../../stream/channel.js';

export async function insertRejection(db: Queryable, senderIspb: string, xml: string): Promise<void> {
  await db.query(
    `WITH inserted AS (INSERT INTO messages (kind, receiver_ispb, xml) VALUES ('admi.002', $1, $2) RETURNING receiver_ispb)
     SELECT pg_notify('${MESSAGES_CHANNEL}', receiver_ispb) FROM inserted`,
    [senderIspb, xml],
  );
}
