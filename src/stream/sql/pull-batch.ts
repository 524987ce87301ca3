/**
 * The hot path: pulls on pull-next URIs, ONE statement for a whole group of
 * them (one round trip, no BEGIN/COMMIT, prepared once per connection). For
 * each pull of the group it
 *   1. locks the iteration and its stream (a retry, a close or the reaper wait),
 *   2. acknowledges the iteration's batch if not yet acknowledged (one write, on
 *      the iteration: see migrations/…-create-messages.js for why not per message),
 *   3. claims up to its `limit` pending messages of its ISPB, on their narrow
 *      rows in `deliveries` (migrations/…-deliveries.js; SKIP LOCKED: collectors
 *      of one ISPB never wait on, or double-claim, each other's rows),
 *   4. records them as the batch of a new iteration linked from this one,
 * and returns each batch in the face's form (payload.ts): the challenge's JSON,
 * built by PostgreSQL and joined into one text; ICOM's XML, one row per message.
 * Steps 2-4 run only for the stream's current iteration (../verdict.ts); each
 * pull's row carries the facts its verdict is decided on.
 *
 * Why groups (../pull-group.ts gathers the pulls that arrive while a group is
 * in flight): pulls of one ISPB in one group claim together, one index walk
 * for all of them, handed out in turn (slot ranges below), and the group pays
 * for one statement, one commit and one round trip. Separate claims of six
 * collectors also walk over each other's locked rows.
 *
 * Every table is read by key, in a form the planner cannot turn into reading
 * a large table whole: the pool forces generic plans, planned without the
 * values, and a plain join left it free to walk a whole index and merge
 * (claim-plan.test.ts checks the generic plan on large tables). The group's
 * iterations and streams are looked up with their keys as an index condition
 * (= ANY of $1); claimed rows are marked through the row addresses their claim
 * locked (ctid, a Tid Scan); their messages are read by one key probe each
 * (a LATERAL subquery with LIMIT 1).
 *
 * And the work grows with pulls plus rows, never with their product
 * (pull-group.work.test.ts): groups of a hundred pulls over as many ISPBs are
 * what hundreds of collectors make. Joins between the statement's own CTEs
 * are planned as nested loops (a generic plan guesses them at a row or so),
 * so no claimed row looks for its pull by scanning the pulls, and no pull for
 * its rows by scanning them all: a claimed row carries its pull's ord, next
 * id and stream from its claim (its slot's place among the pulls' first
 * slots, found by width_bucket's binary search), and what is per pull is
 * aggregated once, grouped by ord. Before, in the many-ISPBs bench at 1,300
 * msg/s, groups of 64 or more pulls took 270 ms on average (up to 590 ms) and
 * it held 1,000-1,200 msg/s; after, 1,700-1,800 (embedded PostgreSQL 18).
 *
 * Why one statement: measured with 6 direct collectors on 2 cores (bench/), the
 * five round trips of BEGIN; lock; ack; claim; COMMIT capped the database at
 * about 9,000 messages/s, each statement's parse and plan included.
 * Every part looks rows up by key, so the generic plan is as good as a custom
 * one and PostgreSQL stops re-planning the prepared statement after a few runs.
 */
import type { Queryable } from '../../db/database.js';
import { retryOnDeadlock } from '../../db/deadlock.js';
import type { StreamFace } from '../../db/models/stream.js';
import { NO_FLOOR } from '../claim-floors.js';
import { judgeIteration } from '../verdict.js';
import { CHALLENGE_BODIES, ICOM_PART_COLUMNS, type Payload, type PayloadRow, parsePayload } from './payload.js';

export interface PullRequest {
  iterationId: string;
  ispb: string;
  /** The face asking: a stream is followed only through the face that opened it, and answers in its format. */
  face: StreamFace;
  /** Id of the iteration handed out if this pull answers. */
  nextId: string;
  limit: number;
  /** Answer even with nothing claimed (the long poll is over: 204). */
  final: boolean;
  /** Read the ISPB's pending rows from this seq on (../claim-floors.ts); NO_FLOOR: from the first. */
  floor?: string;
}

export type PullResult =
  | { kind: 'unknown' }
  | { kind: 'ended'; status: 'closed' | 'expired' }
  | { kind: 'answered-before'; streamId: number; nextId: string }
  | { kind: 'nothing-yet'; acked: number }
  | { kind: 'delivered'; streamId: number; count: number; payload: Payload; redelivered: number; acked: number };

/** What a group's claim of one ISPB leaves for the next: the first seq it took, or null when it found fewer rows than wanted. */
export interface ClaimEnd {
  ispb: string;
  nextFloor: string | null;
}

/**
 * The filter each face claims with. The challenge face claims credit transfers
 * only (the only kind with a JSON form), through their own partial index; ICOM
 * claims every kind. The filter is a constant in each text, so each prepared
 * statement's generic plan can use its index; and each text builds its own
 * face's payload only (payload.ts). has-pending.ts looks with the same filter,
 * so a woken collector never skips a message its claim would have taken.
 */
export const CLAIMABLE_BY: Record<StreamFace, string> = { challenge: ' AND transfer', icom: '' };

/**
 * $1 iteration ids, $2 ISPBs, $3 next ids, $4 limits, $5 finals, $6 floors
 * (arrays, one entry per pull, no iteration twice), $7 the face. `ord`
 * numbers the pulls.
 *   it       the pulls' iterations and streams, locked in stream order, so two
 *            groups holding the same streams never wait on each other in a cycle
 *   go       the pulls that are their stream's current one, each with its slots:
 *            the range of its ISPB's claimed rows it takes, in the order the pulls came
 *   demand   per ISPB: rows wanted, where to start reading, and its pulls' first
 *            slots in order beside what each claimed row must carry of its pull
 *   claimed  the ISPB's first pending rows, locked, each given its pull by the
 *            place of its slot among the first slots (width_bucket)
 */
function pullSql(face: StreamFace): string {
  return `
WITH req AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::bool[], $6::bigint[]) WITH ORDINALITY
           AS r (iteration_id, ispb, next_id, lim, final, floor, ord)
), it AS (
  SELECT r.ord, i.id, i.stream_id, i.message_ids, i.acked_at, i.next_id, s.ispb, s.status, s.face
    FROM req r JOIN iterations i ON i.id = r.iteration_id JOIN streams s ON s.id = i.stream_id
   WHERE i.id = ANY ($1::uuid[])
     AND s.id = ANY (ARRAY(SELECT stream_id FROM iterations WHERE id = ANY ($1::uuid[])))
   ORDER BY s.id, i.id
     FOR UPDATE OF i, s
), go AS (
  SELECT it.*, r.next_id AS new_id, r.final, r.lim, r.floor,
         sum(r.lim) OVER (PARTITION BY it.ispb ORDER BY it.ord) - r.lim AS first_slot
    FROM it JOIN req r ON r.ord = it.ord
   WHERE it.ispb = r.ispb AND it.face = $7 AND it.status = 'open' AND it.next_id IS NULL
), demand AS (
  SELECT ispb, sum(lim) AS wanted, min(floor) AS floor, array_agg(first_slot ORDER BY ord) AS starts,
         array_agg(ord ORDER BY ord) AS ords, array_agg(new_id ORDER BY ord) AS new_ids, array_agg(stream_id ORDER BY ord) AS stream_ids
    FROM go GROUP BY ispb
), claimed AS (
  SELECT d.ispb, d.wanted, c.row_at, c.message_id, c.seq, d.ords[b.k] AS ord, d.new_ids[b.k] AS new_id, d.stream_ids[b.k] AS stream_id
    FROM demand d
   CROSS JOIN LATERAL (
         SELECT l.row_at, l.message_id, l.seq, row_number() OVER (ORDER BY l.seq) - 1 AS slot
           FROM (SELECT ctid AS row_at, message_id, seq FROM deliveries
                  WHERE receiver_ispb = d.ispb AND seq >= d.floor AND iteration_id IS NULL${CLAIMABLE_BY[face]}
                  ORDER BY receiver_ispb, seq
                  LIMIT d.wanted
                    FOR UPDATE SKIP LOCKED) l) c
   CROSS JOIN LATERAL width_bucket(c.slot, d.starts) AS b (k)
), marked AS (
  UPDATE deliveries q SET iteration_id = c.new_id, delivery_count = q.delivery_count + 1
    FROM claimed c WHERE q.ctid = c.row_at
  RETURNING c.ord, c.new_id, c.stream_id, q.message_id, q.delivery_count
), delivered AS (
  -- Named columns, not m.*: the XML is read (detoasted) only by the ICOM face's text, for its parts below.
  SELECT k.ord, k.new_id, k.stream_id, k.delivery_count, m.id, m.seq, m.resource_id,${face === 'icom' ? ' m.xml,' : ''} m.json, m.end_to_end_id, m.valor, m.payer_id,
         m.receiver_id, m.campo_livre, m.tx_id, m.paid_at
    FROM marked k CROSS JOIN LATERAL (SELECT * FROM messages m WHERE m.id = k.message_id LIMIT 1) m
), ends AS (
  -- Where each ISPB's next claim may start (../claim-floors.ts): its first row taken, or NULL when it ran short.
  SELECT ispb, CASE WHEN count(*) = min(wanted) THEN min(seq)::text END AS next_floor FROM claimed GROUP BY ispb
), per_pull AS (
  SELECT m.ord, m.new_id, m.stream_id, count(*)::int AS count, count(*) FILTER (WHERE m.delivery_count > 1)::int AS redelivered,
         array_agg(m.id ORDER BY m.seq) AS ids${face === 'challenge' ? `, ${CHALLENGE_BODIES} AS bodies` : ''}
    FROM delivered m GROUP BY m.ord, m.new_id, m.stream_id
), next_iteration AS (
  -- A pull answers when it claimed rows, or when it is final (empty). clock_timestamp, not now(): the
  -- moment of the claim, after whatever released these rows committed.
  INSERT INTO iterations (id, stream_id, message_ids, created_at)
  SELECT new_id, stream_id, ids, clock_timestamp() FROM per_pull
   UNION ALL
  SELECT new_id, stream_id, '{}', clock_timestamp() FROM go WHERE final AND ord NOT IN (SELECT ord FROM per_pull)
), previous AS (
  UPDATE iterations i SET acked_at = coalesce(i.acked_at, now()),
         next_id = CASE WHEN g.final OR g.ord IN (SELECT ord FROM per_pull) THEN g.new_id END
    FROM go g
   WHERE i.id = g.id AND i.id = ANY ($1::uuid[])
), touched AS (
  -- acked_messages: the dashboard's count (migrations/…-create-dashboard-counters.js), on a row this pull already writes.
  UPDATE streams s SET last_seen_at = now(), expires_at = now() + s.idle_timeout,
         acked_messages = s.acked_messages + CASE WHEN g.acked_at IS NULL THEN cardinality(g.message_ids) ELSE 0 END
    FROM go g WHERE s.id = g.stream_id AND s.id = ANY (ARRAY(SELECT stream_id FROM go))
)
SELECT r.ord, it.ispb, it.status, it.face, it.stream_id, it.next_id,
       e.next_floor,
       CASE WHEN it.acked_at IS NULL THEN cardinality(it.message_ids) END AS acked,
       coalesce(p.count, 0) AS count, coalesce(p.redelivered, 0) AS redelivered,
       ${face === 'challenge' ? 'p.bodies' : 'NULL::bigint AS part_id, NULL::text AS part_resource_id, NULL::text AS part_xml, NULL::text AS part_json, NULL::bigint AS part_seq'}
  FROM req r LEFT JOIN it ON it.ord = r.ord LEFT JOIN per_pull p ON p.ord = r.ord LEFT JOIN ends e ON e.ispb = it.ispb${
    face === 'challenge'
      ? '\n ORDER BY r.ord'
      : `
 UNION ALL
SELECT m.ord, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${ICOM_PART_COLUMNS}
  FROM delivered m
 ORDER BY ord, part_seq NULLS FIRST`
  }`;
}
const PULL_SQL: Record<StreamFace, { name: string; text: string }> = {
  challenge: { name: 'pix-pull-batch-challenge', text: pullSql('challenge') },
  icom: { name: 'pix-pull-batch-icom', text: pullSql('icom') },
};

interface PullRow extends PayloadRow {
  ord: string | number;
  ispb: string | null;
  status: 'open' | 'closed' | 'expired' | null;
  face: StreamFace | null;
  stream_id: number | null;
  next_id: string | null;
  next_floor: string | null;
  /** Messages this pull acknowledged (when it was the stream's current pull); null when there was nothing to acknowledge. */
  acked: number | null;
  count: number;
  redelivered: number;
}

/**
 * A claim can be a deadlock victim: claims skip each other's rows, but one can
 * still wait on a row being released by a closing stream, and PostgreSQL breaks
 * such a rare cycle. The statement is its own transaction, so it runs again.
 */
function runPulls(db: Queryable, face: StreamFace, pulls: readonly PullRequest[]) {
  const values = [
    pulls.map((pull) => pull.iterationId),
    pulls.map((pull) => pull.ispb),
    pulls.map((pull) => pull.nextId),
    pulls.map((pull) => pull.limit),
    pulls.map((pull) => pull.final),
    pulls.map((pull) => pull.floor ?? NO_FLOOR),
    face,
  ];
  return retryOnDeadlock(() => db.query<PullRow>({ ...PULL_SQL[face], values }));
}

/**
 * Runs a group of pulls of one face, each naming a different iteration, in one
 * statement; results in the order of `pulls`, and where each ISPB's claim ended.
 */
export async function pullBatches(
  db: Queryable,
  face: StreamFace,
  pulls: readonly PullRequest[],
): Promise<{ results: PullResult[]; claimEnds: ClaimEnd[] }> {
  if (new Set(pulls.map((pull) => pull.iterationId)).size !== pulls.length) throw new Error('a group of pulls names an iteration twice');
  const { rows } = await runPulls(db, face, pulls);
  const byPull: PullRow[][] = pulls.map(() => []);
  for (const row of rows) byPull[Number(row.ord) - 1].push(row);
  const results = pulls.map((pull, index) => judgePull(pull, byPull[index]));
  const claimEnds = new Map<string, string | null>();
  results.forEach((result, index) => {
    if (result.kind === 'delivered' || result.kind === 'nothing-yet') claimEnds.set(pulls[index].ispb, byPull[index][0].next_floor);
  });
  return { results, claimEnds: [...claimEnds].map(([ispb, nextFloor]) => ({ ispb, nextFloor })) };
}

/** One pull on its own (a group of one). */
export async function pullBatch(db: Queryable, pull: PullRequest): Promise<PullResult> {
  return (await pullBatches(db, pull.face, [pull])).results[0];
}

function judgePull(pull: PullRequest, rows: PullRow[]): PullResult {
  const row = rows[0];
  const facts = row.ispb === null ? null : { ispb: row.ispb, face: row.face!, streamStatus: row.status!, nextId: row.next_id };
  switch (judgeIteration(facts, pull.ispb, pull.face)) {
    case 'unknown':
      return { kind: 'unknown' };
    case 'ended':
      return { kind: 'ended', status: row.status as 'closed' | 'expired' };
    case 'answered-before':
      return { kind: 'answered-before', streamId: row.stream_id!, nextId: row.next_id! };
    case 'current':
      break;
  }
  // A current pull answers when it claimed rows or is final: the statement then inserted its next iteration.
  if (row.count === 0 && !pull.final) return { kind: 'nothing-yet', acked: row.acked ?? 0 };
  return {
    kind: 'delivered',
    streamId: row.stream_id!,
    count: row.count,
    payload: parsePayload(pull.face, rows),
    redelivered: row.redelivered,
    acked: row.acked ?? 0,
  };
}
