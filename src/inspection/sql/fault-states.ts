/**
 * The dashboard's faults: every participant with faults on or injected so far
 * (a handful of rows: faults are set by hand for participants under test),
 * with the counts of each fault injected.
 */
import type { Queryable } from '../../db/database.js';

export interface FaultState {
  ispb: string;
  /** Whether its faults are on now. */
  on: boolean;
  injected: Record<string, number>;
}

const SQL = `
SELECT ispb, bool_or(on_now) AS on, jsonb_object_agg(fault, n) FILTER (WHERE fault IS NOT NULL) AS injected
FROM (
  SELECT ispb, true AS on_now, NULL::varchar AS fault, NULL::bigint AS n FROM participant_faults
  UNION ALL
  SELECT ispb, false, fault, n FROM fault_counts
) AS f
GROUP BY ispb
ORDER BY ispb
LIMIT 100`;

export async function readFaultStates(db: Queryable): Promise<FaultState[]> {
  const { rows } = await db.query<{ ispb: string; on: boolean; injected: Record<string, string | number> | null }>(SQL);
  return rows.map((row) => ({ ispb: row.ispb, on: row.on, injected: Object.fromEntries(Object.entries(row.injected ?? {}).map(([fault, n]) => [fault, Number(n)])) }));
}
