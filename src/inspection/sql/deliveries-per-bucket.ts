/**
 * Deliveries per ISPB and time bucket since a moment, for the dashboard's rate
 * and latency charts: the iterations created since then (index
 * iterations_created_at) and their batch sizes. Latency (posted = the message's
 * created_at, delivered = the iteration's) is sampled: the first 20 batches of
 * each stream in each bucket, each by its first message (lowest seq: the oldest
 * posted), so the lookups stay bounded at any rate.
 *
 * Through the index, the 10 s of iterations a refresh reads (~1,500) take
 * 10 ms, where without it every read was a seq scan of iterations; the whole
 * 5-minute window is read once, when a process first serves the dashboard
 * (docs/operations.md, Dashboard).
 */
import type { Queryable } from '../../db/database.js';

export interface DeliveryBucket {
  ispb: string;
  /** Start of the bucket, in seconds since the epoch. */
  bucketStartS: number;
  delivered: number;
  /** Of the sampled batches; null when none was sampled. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

const SAMPLES_PER_STREAM_AND_BUCKET = 20;

const DELIVERIES_SQL = `
WITH recent AS (
  SELECT i.stream_id, i.created_at, cardinality(i.message_ids) AS size, i.message_ids[1] AS first_id,
         (floor(extract(epoch FROM i.created_at) / $2) * $2)::bigint AS bucket_start_s,
         row_number() OVER (PARTITION BY i.stream_id, floor(extract(epoch FROM i.created_at) / $2) ORDER BY i.created_at) AS nth
    FROM iterations i
   WHERE i.created_at >= to_timestamp($1) AND i.created_at < to_timestamp($3) AND cardinality(i.message_ids) > 0
), sampled AS MATERIALIZED (
  SELECT r.stream_id, r.bucket_start_s, r.size,
         CASE WHEN r.nth <= ${SAMPLES_PER_STREAM_AND_BUCKET} THEN
           (SELECT extract(epoch FROM r.created_at - m.created_at) * 1000 FROM messages m WHERE m.id = r.first_id)
         END AS latency_ms
    FROM recent r
)
SELECT s.ispb, x.bucket_start_s, sum(x.size)::int AS delivered,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.latency_ms) AS p50_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY x.latency_ms) AS p95_ms
  FROM sampled x JOIN streams s ON s.id = x.stream_id
 GROUP BY 1, 2`;

interface DeliveryRow {
  ispb: string;
  bucket_start_s: number;
  delivered: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

const latency = (ms: number | null) => (ms === null ? null : Math.max(0, Number(ms)));

/** Buckets of `bucketS` seconds in [fromS, toS) (seconds since the epoch, bucket boundaries). */
export async function readDeliveries(db: Queryable, fromS: number, toS: number, bucketS: number): Promise<DeliveryBucket[]> {
  const { rows } = await db.query<DeliveryRow>(DELIVERIES_SQL, [fromS, bucketS, toS]);
  return rows.map((row) => ({
    ispb: row.ispb,
    bucketStartS: Number(row.bucket_start_s),
    delivered: row.delivered,
    latencyP50Ms: latency(row.p50_ms),
    latencyP95Ms: latency(row.p95_ms),
  }));
}
