/**
 * What a capacity rehearsal measures, read from pix-stream's own rows
 * (docs/rehearsal.md): one sample per credit transfer in its scope,
 *   receiver  99999A03 → P, received by the SPI in [from, receivedUntil]:
 *             available = the pacs.008 stored in P's stream, fetched = the
 *             claim of the iteration that holds it, answered = the SPI's
 *             decision on P's pacs.002 (settlements.decided_at, same
 *             transaction as the answer's receipt)
 *   payer     P → 99999A04, received in [from, paidUntil]: available = the
 *             SPI's report to P on 99999A04's answer (the row that answers
 *             for that pacs.002's BizMsgIdr), fetched = its claim
 * Instructions are found through settlements_decided and settlements_due
 * (decided since `from`, or still pending), each message through a unique
 * index (messages_end_to_end_id, messages_biz_msg_idr), its fetch through
 * deliveries and iterations by primary key: no scan grows with the rest of
 * the database. A redelivered message counts from its last fetch.
 */
import type { Queryable } from '../../db/database.js';

export interface Scope {
  ispb: string;
  from: Date;
  paidUntil: Date;
  receivedUntil: Date;
}

const SAMPLES = `
WITH scope AS (
  SELECT s.instruction_id, s.state, s.reason, s.received_at, s.decided_at, s.answer_biz_msg_idr,
         CASE WHEN s.debtor_ispb = $1 THEN 'payer' ELSE 'receiver' END AS role
    FROM settlements s
   WHERE s.kind = 'pacs.008'
     AND (s.decided_at >= $2 OR s.state = 'pending')
     AND ((s.debtor_ispb = '99999A03' AND s.creditor_ispb = $1 AND s.received_at BETWEEN $2 AND $4)
       OR (s.debtor_ispb = $1 AND s.creditor_ispb = '99999A04' AND s.received_at BETWEEN $2 AND $3))
),
samples AS (
  SELECT sc.role, sc.state, sc.reason, sc.received_at,
         m.created_at IS NOT NULL AS available, i.created_at IS NOT NULL AS fetched,
         greatest(0, extract(epoch FROM i.created_at - m.created_at) * 1000) AS consumption_ms,
         CASE WHEN sc.role = 'receiver' AND sc.answer_biz_msg_idr IS NOT NULL
              THEN greatest(0, extract(epoch FROM sc.decided_at - i.created_at) * 1000) END AS answer_ms
    FROM scope sc
    LEFT JOIN LATERAL (
      SELECT m.id, m.created_at FROM messages m
       WHERE sc.role = 'receiver' AND m.kind = 'pacs.008' AND m.end_to_end_id = sc.instruction_id::bpchar
      UNION ALL
      SELECT m.id, m.created_at FROM messages m
       WHERE sc.role = 'payer' AND m.biz_msg_idr = sc.answer_biz_msg_idr AND m.receiver_ispb = $1
    ) m ON true
    LEFT JOIN deliveries d ON d.message_id = m.id
    LEFT JOIN iterations i ON i.id = d.iteration_id
)`;

const scopeValues = (s: Scope) => [s.ispb, s.from, s.paidUntil, s.receivedUntil];

export interface RoleTally {
  role: 'receiver' | 'payer';
  instructions: number;
  settled: number;
  rejected: number;
  timedOut: number;
  pending: number;
  /** Messages on P's stream the role's consumption is judged on, how many P fetched, and how many within the bound. */
  available: number;
  fetched: number;
  consumedInTime: number;
  consumptionP50Ms: number | null;
  consumptionP99Ms: number | null;
  /** Receiver only: answered, and within each bound. */
  answered: number;
  answeredWithinP50Bound: number;
  answeredWithinP95Bound: number;
  answerP50Ms: number | null;
  answerP95Ms: number | null;
}

export interface Bounds {
  consumptionMs: number;
  answerP50Ms: number;
  answerP95Ms: number;
}

const TALLY = `${SAMPLES}
SELECT role,
       count(*)::int AS instructions,
       count(*) FILTER (WHERE state = 'settled')::int AS settled,
       count(*) FILTER (WHERE state = 'rejected' AND reason <> 'AB03')::int AS rejected,
       count(*) FILTER (WHERE reason = 'AB03')::int AS timed_out,
       count(*) FILTER (WHERE state = 'pending')::int AS pending,
       count(*) FILTER (WHERE available)::int AS available,
       count(*) FILTER (WHERE fetched)::int AS fetched,
       count(*) FILTER (WHERE consumption_ms <= $5)::int AS consumed_in_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY consumption_ms) AS consumption_p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY consumption_ms) AS consumption_p99,
       count(answer_ms)::int AS answered,
       count(*) FILTER (WHERE answer_ms <= $6)::int AS answered_p50_bound,
       count(*) FILTER (WHERE answer_ms <= $7)::int AS answered_p95_bound,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_ms) AS answer_p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY answer_ms) AS answer_p95
  FROM samples GROUP BY role`;

const ms = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

/** Counts and quantiles per role (a role with no instruction yet is all zeros). */
export async function tallyRehearsal(db: Queryable, scope: Scope, bounds: Bounds): Promise<Record<'receiver' | 'payer', RoleTally>> {
  const { rows } = await db.query(TALLY, [...scopeValues(scope), bounds.consumptionMs, bounds.answerP50Ms, bounds.answerP95Ms]);
  const empty = (role: 'receiver' | 'payer'): RoleTally => ({
    role, instructions: 0, settled: 0, rejected: 0, timedOut: 0, pending: 0, available: 0, fetched: 0, consumedInTime: 0,
    consumptionP50Ms: null, consumptionP99Ms: null, answered: 0, answeredWithinP50Bound: 0, answeredWithinP95Bound: 0, answerP50Ms: null, answerP95Ms: null,
  }); // prettier-ignore
  const out = { receiver: empty('receiver'), payer: empty('payer') };
  for (const r of rows) {
    out[r.role as 'receiver' | 'payer'] = {
      role: r.role, instructions: r.instructions, settled: r.settled, rejected: r.rejected, timedOut: r.timed_out, pending: r.pending,
      available: r.available, fetched: r.fetched, consumedInTime: r.consumed_in_time,
      consumptionP50Ms: ms(r.consumption_p50), consumptionP99Ms: ms(r.consumption_p99),
      answered: r.answered, answeredWithinP50Bound: r.answered_p50_bound, answeredWithinP95Bound: r.answered_p95_bound,
      answerP50Ms: ms(r.answer_p50), answerP95Ms: ms(r.answer_p95),
    }; // prettier-ignore
  }
  return out;
}

export interface Sample {
  role: 'receiver' | 'payer';
  /** Milliseconds from the rehearsal's start to the SPI's receipt of the instruction. */
  atMs: number;
  consumptionMs: number | null;
  answerMs: number | null;
}

/** Every sample, for the report's charts (once, at the end: tens of thousands of rows). */
export async function readSamples(db: Queryable, scope: Scope): Promise<Sample[]> {
  const { rows } = await db.query(`${SAMPLES}
SELECT role, extract(epoch FROM received_at - $2) * 1000 AS at_ms, consumption_ms, answer_ms FROM samples ORDER BY received_at`, scopeValues(scope));
  return rows.map((r) => ({ role: r.role, atMs: Math.round(Number(r.at_ms)), consumptionMs: ms(r.consumption_ms), answerMs: ms(r.answer_ms) }));
}
