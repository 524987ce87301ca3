/**
 * A batch delivered before, for a repeated pull-next URI (a lost response):
 * its payload in the stream's face format, in delivery order, and whether it
 * was acknowledged since (then it must not be replayed).
 */
import type { Queryable } from '../../db/database.js';
import type { StreamFace } from '../../db/models/stream.js';
import { parsePayload, payloadSql, type Payload, type PayloadRow } from './payload.js';

export interface DeliveredBatch {
  acked: boolean;
  count: number;
  payload: Payload;
}

function replaySql(face: StreamFace): string {
  const payload = payloadSql(face, 'batch');
  return `WITH n AS (SELECT acked_at, message_ids FROM iterations WHERE id = $1),
          batch AS (SELECT m.* FROM messages m WHERE m.id = ANY ((SELECT message_ids FROM n)::bigint[]))
     SELECT (SELECT acked_at IS NOT NULL FROM n) AS acked, (SELECT cardinality(message_ids) FROM n) AS count,
            ${payload.columns}
       FROM (SELECT 1) AS one
       ${payload.join}
       ${payload.orderKey ? `ORDER BY ${payload.orderKey}` : ''}`;
}
const REPLAY_SQL: Record<StreamFace, string> = { challenge: replaySql('challenge'), icom: replaySql('icom') };

export async function replayBatch(db: Queryable, iterationId: string, face: StreamFace): Promise<DeliveredBatch> {
  const { rows } = await db.query<{ acked: boolean; count: number } & PayloadRow>(REPLAY_SQL[face], [iterationId]);
  return { acked: rows[0].acked, count: rows[0].count, payload: parsePayload(face, rows) };
}
