/**
 * The stream's SQL, one function per operation, apart from the hot path's
 * single statement (pix/pull-batch.ts). Each takes the pool or a client inside
 * a transaction opened by the service (pix/stream-service.ts).
 *
 * Stream:    open -> closed (DELETE, stop) | expired (unseen for the idle timeout)
 * Iteration: a pull-next URI. Its batch is in flight until the URI is requested
 *            (acked_at set, next_id links the URI handed out in reply).
 * Ending a stream, however it ends, puts its unacknowledged messages back to
 * pending in the same statement, and NOTIFYs their ISPB so a waiting collector
 * takes them at once.
 */
import type { Queryable } from '../db/database.js';
import { MESSAGES_CHANNEL } from './message-channel.js';
import { MESSAGE_JSON_SQL } from './message-json.js';

// Two-key advisory lock namespace for "open a stream on this ISPB".
const COLLECTOR_LOCK_NAMESPACE = 7_260_002;

export interface LockedIteration {
  id: string;
  streamId: number;
  ispb: string;
  streamStatus: 'open' | 'closed' | 'expired';
}

/** Locks the iteration and its stream until the transaction ends (DELETE of a URI). */
export async function lockIteration(db: Queryable, iterationId: string): Promise<LockedIteration | null> {
  const { rows } = await db.query(
    `SELECT i.id, i.stream_id, s.ispb, s.status
       FROM iterations i JOIN streams s ON s.id = i.stream_id
      WHERE i.id = $1
        FOR UPDATE OF i, s`,
    [iterationId],
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, streamId: row.stream_id, ispb: row.ispb, streamStatus: row.status };
}

/** Acknowledges the batch that was delivered with this iteration's URI; returns how many messages that acknowledged. */
export async function ackIteration(db: Queryable, iterationId: string): Promise<number> {
  const { rows } = await db.query(
    `UPDATE iterations SET acked_at = now() WHERE id = $1 AND acked_at IS NULL RETURNING cardinality(message_ids) AS acked`,
    [iterationId],
  );
  return rows[0]?.acked ?? 0;
}

/** A batch delivered before, for a repeated pull-next URI: its JSON joined into one text, and whether it was acknowledged since. */
export async function deliveredBatch(db: Queryable, iterationId: string): Promise<{ acked: boolean; count: number; bodies: string }> {
  const { rows } = await db.query(
    `SELECT n.acked_at IS NOT NULL AS acked, cardinality(n.message_ids) AS count,
            (SELECT string_agg(${MESSAGE_JSON_SQL}, ',' ORDER BY m.seq)
               FROM messages m WHERE m.id = ANY (n.message_ids)) AS bodies
       FROM iterations n WHERE n.id = $1`,
    [iterationId],
  );
  return { acked: rows[0].acked, count: rows[0].count, bodies: rows[0].bodies ?? '' };
}

/** Serialises stream starts of one ISPB across every API process until the transaction ends. */
export async function lockCollectorSlots(db: Queryable, ispb: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1, $2)', [COLLECTOR_LOCK_NAMESPACE, Number(ispb)]);
}

export async function countOpenStreams(db: Queryable, ispb: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = $1 AND status = 'open'`, [ispb]);
  return rows[0].open;
}

/** Open streams of every ISPB (a metric; the partial index keeps it cheap). */
export async function countAllOpenStreams(db: Queryable): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS open FROM streams WHERE status = 'open'`);
  return rows[0].open;
}

/** Pending messages of every ISPB (a metric); the partial index messages_pending holds only those rows, so delivered ones need not be read. */
export async function countAllPendingMessages(db: Queryable): Promise<number> {
  const { rows } = await db.query(`SELECT count(*) AS pending FROM messages WHERE iteration_id IS NULL`);
  return rows[0].pending;
}

/** Seconds until the quietest open stream of the ISPB would expire: when a slot may free up. */
export async function secondsUntilSlotFrees(db: Queryable, ispb: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT ceil(extract(epoch FROM min(expires_at) - now()))::int AS seconds
       FROM streams WHERE ispb = $1 AND status = 'open'`,
    [ispb],
  );
  return Math.max(1, rows[0].seconds ?? 1);
}

/**
 * Opens a stream with its root iteration. The root stands for the start request
 * itself: it has no batch to acknowledge, and requesting it is how start claims.
 */
export async function insertStream(db: Queryable, ispb: string, rootIterationId: string, idleTimeoutS: number): Promise<number> {
  const { rows } = await db.query(
    `WITH stream AS (
       INSERT INTO streams (ispb, idle_timeout, expires_at)
       VALUES ($1, make_interval(secs => $3), now() + make_interval(secs => $3))
       RETURNING id
     )
     INSERT INTO iterations (id, stream_id, acked_at) SELECT $2, id, now() FROM stream RETURNING stream_id`,
    [ispb, rootIterationId, idleTimeoutS],
  );
  return rows[0].stream_id;
}

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
       RETURNING id
     ), released AS (
       UPDATE messages m SET iteration_id = NULL
         FROM iterations i
        WHERE i.stream_id IN (SELECT id FROM ended) AND i.acked_at IS NULL
          AND m.id = ANY (i.message_ids) AND m.iteration_id = i.id
       RETURNING m.receiver_ispb
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

/** Closes one stream, waiting for a pull in progress on it. Needs a transaction. */
export async function closeStream(db: Queryable, streamId: number): Promise<EndedStreams> {
  const { rows } = await db.query(`SELECT id FROM streams WHERE id = $1 AND status = 'open' FOR UPDATE`, [streamId]);
  return endLockedStreams(db, rows.map((row) => row.id), 'closed');
}

/** Closes every open stream of an ISPB (the challenge's /stream/stop), waiting for pulls in progress. Needs a transaction. */
export async function closeOpenStreams(db: Queryable, ispb: string): Promise<EndedStreams> {
  const { rows } = await db.query(`SELECT id FROM streams WHERE ispb = $1 AND status = 'open' FOR UPDATE`, [ispb]);
  return endLockedStreams(db, rows.map((row) => row.id), 'closed');
}

/**
 * Expires streams past their `expires_at`, of one ISPB or of all (null). Needs
 * a transaction. A stream locked right now is being pulled, so not idle: skipped.
 */
export async function expireIdleStreams(db: Queryable, ispb: string | null): Promise<EndedStreams> {
  const { rows } = await db.query(
    `SELECT id FROM streams
      WHERE status = 'open' AND expires_at < now() AND ($1::char(8) IS NULL OR ispb = $1)
        FOR UPDATE SKIP LOCKED`,
    [ispb],
  );
  return endLockedStreams(db, rows.map((row) => row.id), 'expired');
}
