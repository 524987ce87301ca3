/**
 * Every SQL statement of the stream, one function per operation. All take a
 * client inside a transaction opened by the service (pix/stream-service.ts).
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
  messageIds: number[];
  acked: boolean;
  /** The URI handed out when this one was requested; set means this request is a retry. */
  next: { id: string; messageIds: number[]; acked: boolean } | null;
}

/** Locks the iteration and its stream, so a retry, a close or the reaper cannot interleave. */
export async function lockIteration(db: Queryable, iterationId: string): Promise<LockedIteration | null> {
  const { rows } = await db.query(
    `SELECT i.id, i.stream_id, i.message_ids, i.acked_at IS NOT NULL AS acked, s.ispb, s.status,
            n.id AS next_id, n.message_ids AS next_message_ids, n.acked_at IS NOT NULL AS next_acked
       FROM iterations i
       JOIN streams s ON s.id = i.stream_id
       LEFT JOIN iterations n ON n.id = i.next_id
      WHERE i.id = $1
        FOR UPDATE OF i, s`,
    [iterationId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    streamId: row.stream_id,
    ispb: row.ispb,
    streamStatus: row.status,
    messageIds: row.message_ids,
    acked: row.acked,
    next: row.next_id ? { id: row.next_id, messageIds: row.next_message_ids, acked: row.next_acked } : null,
  };
}

/** Acknowledges the batch that was delivered with this iteration's URI; returns how many messages that acknowledged. */
export async function ackIteration(db: Queryable, iteration: { id: string; messageIds: number[] }): Promise<number> {
  const { rows } = await db.query(
    `WITH acked AS (
       UPDATE messages SET acked_at = now()
        WHERE id = ANY ($2::bigint[]) AND iteration_id = $1 AND acked_at IS NULL
       RETURNING 1
     ), iteration AS (
       UPDATE iterations SET acked_at = now() WHERE id = $1 AND acked_at IS NULL
     )
     SELECT count(*)::int AS acked FROM acked`,
    [iteration.id, iteration.messageIds],
  );
  return rows[0].acked;
}

export interface ClaimRequest {
  streamId: number;
  ispb: string;
  previousId: string;
  nextId: string;
  limit: number;
  /** Record the next iteration even when nothing was claimed (the long poll is over: 204). */
  final: boolean;
}

/**
 * Claims up to `limit` pending messages of the ISPB, records them as the batch of
 * a new iteration linked from the previous one, and returns their JSON in order:
 * one statement, one round trip. SKIP LOCKED lets collectors of one ISPB claim
 * side by side without waiting on, or double-claiming, each other's rows.
 * Returns null when nothing was claimed and `final` is false (nothing written).
 */
export interface ClaimedBatch {
  bodies: string[];
  /** How many of them had been delivered before (released by an ended stream). */
  redelivered: number;
}

export async function claimBatch(db: Queryable, claim: ClaimRequest): Promise<ClaimedBatch | null> {
  const { rows } = await db.query<{ body: string; redelivered: boolean }>(
    `WITH claimed AS (
       SELECT id FROM messages
        WHERE receiver_ispb = $2 AND iteration_id IS NULL
        ORDER BY receiver_ispb, seq
        LIMIT $5
          FOR UPDATE SKIP LOCKED
     ), delivered AS (
       UPDATE messages m SET iteration_id = $4, delivery_count = m.delivery_count + 1
         FROM claimed c WHERE m.id = c.id
       RETURNING m.*
     ), next_iteration AS (
       -- clock_timestamp, not now(): the moment of the claim, after whatever released these rows committed.
       INSERT INTO iterations (id, stream_id, message_ids, created_at)
       SELECT $4, $1, coalesce(array_agg(d.id ORDER BY d.seq), '{}'), clock_timestamp() FROM delivered d
       HAVING count(*) > 0 OR $6
       RETURNING id
     ), linked AS (
       UPDATE iterations i SET next_id = n.id FROM next_iteration n WHERE i.id = $3
     ), touched AS (
       UPDATE streams SET last_seen_at = now() WHERE id = $1
     )
     SELECT ${MESSAGE_JSON_SQL} AS body, m.delivery_count > 1 AS redelivered
       FROM delivered m
       JOIN clients p ON p.id = m.payer_id
       JOIN clients r ON r.id = m.receiver_id
      ORDER BY m.seq`,
    [claim.streamId, claim.ispb, claim.previousId, claim.nextId, claim.limit, claim.final],
  );
  if (rows.length === 0 && !claim.final) return null;
  return { bodies: rows.map((row) => row.body), redelivered: rows.filter((row) => row.redelivered).length };
}

/** The JSON of a batch already delivered, for a retried pull-next URI. */
export async function batchBodies(db: Queryable, messageIds: number[]): Promise<string[]> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT ${MESSAGE_JSON_SQL} AS body
       FROM messages m
       JOIN clients p ON p.id = m.payer_id
       JOIN clients r ON r.id = m.receiver_id
      WHERE m.id = ANY ($1::bigint[])
      ORDER BY m.seq`,
    [messageIds],
  );
  return rows.map((row) => row.body);
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

/** Seconds until the quietest open stream of the ISPB would expire: when a slot may free up. */
export async function secondsUntilSlotFrees(db: Queryable, ispb: string, idleTimeoutS: number): Promise<number> {
  const { rows } = await db.query(
    `SELECT ceil(extract(epoch FROM min(last_seen_at) + make_interval(secs => $2) - now()))::int AS seconds
       FROM streams WHERE ispb = $1 AND status = 'open'`,
    [ispb, idleTimeoutS],
  );
  return Math.max(1, rows[0].seconds ?? 1);
}

/**
 * Opens a stream with its root iteration. The root stands for the start request
 * itself: it has no batch to acknowledge, and requesting it is how start claims.
 */
export async function insertStream(db: Queryable, ispb: string, rootIterationId: string): Promise<number> {
  const { rows } = await db.query(
    `WITH stream AS (INSERT INTO streams (ispb) VALUES ($1) RETURNING id)
     INSERT INTO iterations (id, stream_id, acked_at) SELECT $2, id, now() FROM stream RETURNING stream_id`,
    [ispb, rootIterationId],
  );
  return rows[0].stream_id;
}

export interface EndedStreams {
  ended: number;
  released: number;
}

/** Shared tail: release the unacknowledged messages of the streams in `ended`, wake their ISPBs. */
const RELEASE_ENDED_SQL = `
  released AS (
    UPDATE messages m SET iteration_id = NULL
      FROM iterations i
     WHERE i.stream_id IN (SELECT id FROM ended) AND i.acked_at IS NULL
       AND m.id = ANY (i.message_ids) AND m.iteration_id = i.id AND m.acked_at IS NULL
    RETURNING m.receiver_ispb
  ), woken AS (
    SELECT pg_notify('${MESSAGES_CHANNEL}', ispb) FROM (SELECT DISTINCT receiver_ispb AS ispb FROM released) r
  )
  SELECT (SELECT count(*) FROM ended)::int AS ended,
         (SELECT count(*) FROM released)::int AS released,
         (SELECT count(*) FROM woken)::int AS woken`;

async function endStreams(db: Queryable, endedCte: string, values: unknown[]): Promise<EndedStreams> {
  const { rows } = await db.query(`WITH ended AS (${endedCte}), ${RELEASE_ENDED_SQL}`, values);
  return { ended: rows[0].ended, released: rows[0].released };
}

/** Closes one stream (DELETE of its URI); its still-unacknowledged batch goes back to pending. */
export function closeStream(db: Queryable, streamId: number): Promise<EndedStreams> {
  return endStreams(
    db,
    `UPDATE streams SET status = 'closed', closed_at = now(), last_seen_at = now()
      WHERE id = $1 AND status = 'open' RETURNING id`,
    [streamId],
  );
}

/** Closes every open stream of an ISPB (the challenge's /stream/stop). */
export function closeOpenStreams(db: Queryable, ispb: string): Promise<EndedStreams> {
  return endStreams(
    db,
    `UPDATE streams SET status = 'closed', closed_at = now()
      WHERE ispb = $1 AND status = 'open' RETURNING id`,
    [ispb],
  );
}

/** Expires streams unseen for `idleTimeoutS`, of one ISPB or of all (null). */
export function expireIdleStreams(db: Queryable, idleTimeoutS: number, ispb: string | null): Promise<EndedStreams> {
  return endStreams(
    db,
    `UPDATE streams SET status = 'expired', closed_at = now()
      WHERE status = 'open' AND last_seen_at < now() - make_interval(secs => $1)
        AND ($2::char(8) IS NULL OR ispb = $2)
      RETURNING id`,
    [idleTimeoutS, ispb],
  );
}
