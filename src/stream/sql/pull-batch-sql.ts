/**
 * The text of the pull statement (pull-batch.ts runs it), one per face.
 *
 * Every table is read by key, in a form the planner cannot turn into reading
 * a large table whole: the pool forces generic plans, planned without the
 * values, and a plain join left it free to walk a whole index and merge
 * (test/stream/claim-plan.test.ts checks the generic plan on large tables). The group's
 * iterations and streams are looked up with their keys as an index condition
 * (= ANY of $1); claimed rows are marked through the row addresses their claim
 * locked (ctid, a Tid Scan: no one can move a row while this statement holds
 * its lock, and only rows the UPDATE marked are delivered, since delivered
 * reads its RETURNING); their messages are read by one key probe each (a
 * LATERAL subquery with LIMIT 1).
 *
 * And the work grows with pulls plus rows, never with their product
 * (test/stream/pull-group-work.test.ts): groups of a hundred pulls over as many ISPBs are
 * what hundreds of collectors make. Joins between the statement's own CTEs
 * are planned as nested loops (a generic plan guesses them at a row or so),
 * so no claimed row looks for its pull by scanning the pulls, and no pull for
 * its rows by scanning them all: a claimed row carries its pull's ord, next
 * id and stream from its claim (its slot's place among the pulls' first
 * slots, found by width_bucket's binary search), and what is per pull is
 * aggregated once, grouped by ord. Work growing with the product made groups
 * of 64 or more pulls take 270 ms on average (docs/performance.md, Levers kept).
 */
import type { StreamFace } from '../../db/models/stream.js';
import { CHALLENGE_BODIES, ICOM_PART_COLUMNS } from './payload.js';

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
), answers AS (
  -- The pulls that answer: those that claimed rows, and the final ones (empty).
  SELECT ord, new_id, stream_id, ids FROM per_pull
   UNION ALL
  SELECT ord, new_id, stream_id, '{}' FROM go WHERE final AND ord NOT IN (SELECT ord FROM per_pull)
), next_iteration AS (
  -- clock_timestamp, not now(): the moment of the claim, after whatever released these rows committed.
  INSERT INTO iterations (id, stream_id, message_ids, created_at)
  SELECT new_id, stream_id, ids, clock_timestamp() FROM answers
), previous AS (
  UPDATE iterations i SET acked_at = coalesce(i.acked_at, now()),
         next_id = CASE WHEN g.ord IN (SELECT ord FROM answers) THEN g.new_id END
    FROM go g
   WHERE i.id = g.id AND i.id = ANY ($1::uuid[])
), touched AS (
  -- acked_messages: the dashboard's count (migrations/…-create-dashboard-counters.js), on a row this pull already writes.
  UPDATE streams s SET last_seen_at = now(), expires_at = now() + s.idle_timeout,
         acked_messages = s.acked_messages + CASE WHEN g.acked_at IS NULL THEN cardinality(g.message_ids) ELSE 0 END
    FROM go g WHERE s.id = g.stream_id AND s.id = ANY (ARRAY(SELECT stream_id FROM go))
)
SELECT r.ord, it.ispb, it.status, it.face, it.stream_id, it.next_id,
       e.next_floor, r.ord IN (SELECT ord FROM answers) AS answered,
       CASE WHEN it.acked_at IS NULL THEN cardinality(it.message_ids) END AS acked,
       coalesce(p.count, 0) AS count, coalesce(p.redelivered, 0) AS redelivered,
       ${face === 'challenge' ? 'p.bodies' : 'NULL::bigint AS part_id, NULL::text AS part_resource_id, NULL::text AS part_xml, NULL::text AS part_json, NULL::bigint AS part_seq'}
  FROM req r LEFT JOIN it ON it.ord = r.ord LEFT JOIN per_pull p ON p.ord = r.ord LEFT JOIN ends e ON e.ispb = it.ispb${
    face === 'challenge'
      ? '\n ORDER BY r.ord'
      : `
 UNION ALL
SELECT m.ord, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${ICOM_PART_COLUMNS}
  FROM delivered m
 ORDER BY ord, part_seq NULLS FIRST`
  }`;
}
export const PULL_SQL: Record<StreamFace, { name: string; text: string }> = {
  challenge: { name: 'pix-pull-batch-challenge', text: pullSql('challenge') },
  icom: { name: 'pix-pull-batch-icom', text: pullSql('icom') },
};
