/**
 * One request's charge against its participant's token bucket, as ONE
 * statement (one round trip, no BEGIN/COMMIT, prepared once per connection):
 *
 *   1. the first request of a participant inserts a full bucket less its token;
 *   2. any later one finds the row (ON CONFLICT), locks it, refills it by the
 *      time elapsed since `counted_at` (capped at the capacity), and takes a
 *      token if there is a whole one;
 *   3. a row comes back when a token was taken, none when it was refused.
 *
 * Concurrency: requests of one participant from any number of API processes
 * queue on that row's lock. ON CONFLICT DO UPDATE locks the newest version of
 * the row before it evaluates WHERE and SET (in READ COMMITTED it waits for a
 * holder to commit, then reads what the holder wrote), so each request sees
 * the bucket its predecessor left: no token is taken twice and none is lost.
 * Two first requests race on the primary key; the loser's insert turns into
 * the update, never a unique violation. The clock is read after the lock
 * (clock_timestamp(), not now(): now() is the statement's start, before the
 * wait, so it can be earlier than the time the previous holder wrote).
 *
 * Why queueing is cheap: the lock is held for one primary-key update in place
 * (a HOT update, fillfactor 50), and the table is UNLOGGED, so the commit that
 * releases the lock writes no WAL to flush — no fsync inside the queue.
 * Different participants never touch each other's rows. One participant's
 * charges: 5,700/s, against 554/s on a logged table (docs/performance.md, The ICOM traffic limit).
 *
 * A refusal writes nothing (WHERE fails, no row comes back). That is exact,
 * not a shortcut: a refused bucket holds less than one token, so it is below
 * its capacity (at least 1) and the refill was not capped; leaving
 * (tokens, counted_at) as they were is the same bucket as writing the refill.
 * Under overload, where most requests are refused, most requests only lock
 * and read. How long until a token: less than 1 / refill seconds (it holds
 * less than one), which the caller knows without asking.
 */
import type { Queryable } from '../db/database.js';

/** The bucket every participant gets (config.ts: ICOM_BUCKET_CAPACITY, ICOM_BUCKET_REFILL_PER_S). */
export interface BucketSize {
  /** Tokens a full bucket holds, at least 1. */
  capacity: number;
  /** Tokens added per second, more than 0. */
  refillPerS: number;
}

/** Exported for bench/token-bucket.ts, which also runs it against a logged copy of the table. */
export const TAKE_TOKEN_SQL = `
INSERT INTO participant_buckets AS bucket (ispb, tokens, counted_at)
VALUES ($1, $2::float8 - 1, clock_timestamp())
ON CONFLICT (ispb) DO UPDATE
   SET (tokens, counted_at) = (
         -- one clock reading for both columns, so no refill falls between them
         -- greatest(0, …): WHERE read the clock first; a clock stepped back in between must not break the CHECK
         SELECT greatest(0, least($2::float8, bucket.tokens + $3::float8 * greatest(0, extract(epoch FROM clock.at - bucket.counted_at)::float8)) - 1),
                clock.at
           FROM (SELECT clock_timestamp() AS at) clock)
 -- a whole token by now (read a moment before SET's reading, so SET finds at least as much)
 WHERE bucket.tokens + $3::float8 * greatest(0, extract(epoch FROM clock_timestamp() - bucket.counted_at)::float8) >= 1
RETURNING tokens`;

/** Takes one token from the participant's bucket; false when it holds none (the request is over the limit). */
export async function takeToken(db: Queryable, ispb: string, size: BucketSize): Promise<boolean> {
  const { rowCount } = await db.query({ name: 'pix-take-token', text: TAKE_TOKEN_SQL }, [ispb, size.capacity, size.refillPerS]);
  return rowCount === 1;
}
