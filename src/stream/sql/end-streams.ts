/**
 * Ending streams, however they end (DELETE, stop, expiry): in the same
 * statement their unacknowledged messages go back to pending and the ISPBs
 * concerned are woken, so a waiting collector takes them at once.
 *
 * Stream:    open -> closed (DELETE, stop) | expired (unseen for its idle timeout)
 *
 * Unlike the writers of new messages (../wakes.ts), this NOTIFYs inside its
 * transaction: a stream ends once per stream, not once per message, so the
 * notification queue's commit lock it takes is not a queue of writers.
 */
import type { Queryable } from '../../db/database.js';
import { MESSAGES_CHANNEL } from '../channel.js';

export interface EndedStreams {
  ended: number;
  released: number;
}

/**
 * Ends the given streams and, in the same statement, puts their unacknowledged
 * messages back to pending and wakes the ISPBs concerned.
 *
 * The caller must hold the streams' row locks from an earlier statement of the
 * same transaction: a pull that was claiming for one of them has then committed,
 * and this statement's snapshot sees the batch it recorded. (Ending and
 * releasing in one statement without that would miss such a batch, leaving it
 * in flight on an ended stream for good.)
 */
async function endLockedStreams(db: Queryable, streamIds: number[], status: 'closed' | 'expired'): Promise<EndedStreams> {
  if (streamIds.length === 0) return { ended: 0, released: 0 };
  const { rows } = await db.query(
    `WITH ended AS (
       UPDATE streams SET status = $2, closed_at = now()
        WHERE id = ANY ($1::bigint[]) AND status = 'open'
       RETURNING id, ispb, acked_messages
     ), folded AS (
       -- An ended stream's acknowledged count moves to its ISPB's ledger (the dashboard sums open streams only).
       INSERT INTO ispb_message_counts (ispb, acknowledged)
       SELECT ispb, sum(acked_messages) FROM ended GROUP BY ispb
     ), released AS (
       -- An open stream's only unacknowledged batch is its newest iteration's (iterations_by_stream's last entry).
       UPDATE deliveries d SET iteration_id = NULL
         FROM ended e CROSS JOIN LATERAL (
                SELECT i.id, i.message_ids, i.acked_at FROM iterations i
                 WHERE i.stream_id = e.id ORDER BY i.created_at DESC LIMIT 1) newest
        WHERE newest.acked_at IS NULL
          AND d.message_id = ANY (newest.message_ids) AND d.iteration_id = newest.id
       RETURNING d.receiver_ispb
     ), woken AS (
       SELECT pg_notify('${MESSAGES_CHANNEL}', ispb) FROM (SELECT DISTINCT receiver_ispb AS ispb FROM released) r
     )
     SELECT (SELECT count(*) FROM ended)::int AS ended,
            (SELECT count(*) FROM released)::int AS released,
            (SELECT count(*) FROM woken)::int AS woken`,
    [streamIds, status],
  );
  return { ended: rows[0].ended, released: rows[0].released };
}

async function endStream(db: Queryable, streamId: number, status: 'closed' | 'expired'): Promise<EndedStreams> {
  const { rows } = await db.query(`SELECT id FROM streams WHERE id = $1 AND status = 'open' FOR UPDATE`, [streamId]);
  return endLockedStreams(db, rows.map((row) => row.id), status);
}

/** Closes one stream, waiting for a pull in progress on it. Needs a transaction. */
export const closeStream = (db: Queryable, streamId: number) => endStream(db, streamId, 'closed');

/** Expires one stream (its collector is taken to be gone), waiting for a pull in progress. Needs a transaction. */
export const expireStream = (db: Queryable, streamId: number) => endStream(db, streamId, 'expired');

/** Closes every open stream of an ISPB (the challenge's /stream/stop), waiting for pulls in progress. Needs a transaction. */
export async function closeOpenStreams(db: Queryable, ispb: string): Promise<EndedStreams> {
  const { rows } = await db.query(`SELECT id FROM streams WHERE ispb = $1 AND status = 'open' FOR UPDATE`, [ispb]);
  return endLockedStreams(db, rows.map((row) => row.id), 'closed');
}

/**
 * Expires streams past their `expires_at`, of one ISPB or of all (null). Needs
 * a transaction. A stream locked right now is being pulled, so not idle: skipped.
 */
export async function expireStreamsPastDeadline(db: Queryable, ispb: string | null): Promise<EndedStreams> {
  const { rows } = await db.query(
    `SELECT id FROM streams
      WHERE status = 'open' AND expires_at < now() AND ($1::char(8) IS NULL OR ispb = $1)
        FOR UPDATE SKIP LOCKED`,
    [ispb],
  );
  return endLockedStreams(db, rows.map((row) => row.id), 'expired');
}
