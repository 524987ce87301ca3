/** Participants' faults, their counts, and the AB03 reports they hold back (migrations/…-participant-faults.js). */
import type { Queryable } from '../../db/database.js';
import type { FaultName } from '../faults.js';

export interface FaultsRow {
  ispb: string;
  faults: unknown;
  since: Date;
}

const UPSERT_SQL = `
INSERT INTO participant_faults (ispb, faults) VALUES ($1, $2)
ON CONFLICT (ispb) DO UPDATE SET faults = excluded.faults, since = now(), updated_at = now()
RETURNING ispb, faults, since, (xmax = 0) AS created`;

export async function upsertFaults(db: Queryable, ispb: string, faults: object): Promise<FaultsRow & { created: boolean }> {
  const { rows } = await db.query<FaultsRow & { created: boolean }>(UPSERT_SQL, [ispb, JSON.stringify(faults)]);
  return rows[0]!;
}

export async function readFaults(db: Queryable, ispb: string): Promise<FaultsRow | undefined> {
  const { rows } = await db.query<FaultsRow>('SELECT ispb, faults, since FROM participant_faults WHERE ispb = $1', [ispb]);
  return rows[0];
}

/** Every participant's faults (a handful: each process reads them every second). */
export async function readAllFaults(db: Queryable): Promise<FaultsRow[]> {
  const { rows } = await db.query<FaultsRow>('SELECT ispb, faults, since FROM participant_faults');
  return rows;
}

export async function deleteFaults(db: Queryable, ispb: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM participant_faults WHERE ispb = $1', [ispb]);
  return rowCount === 1;
}

/** Adds injections to the counts, in one statement. */
export async function countFaults(db: Queryable, counts: { ispb: string; fault: FaultName; n: number }[]): Promise<void> {
  const summed = new Map<string, { ispb: string; fault: FaultName; n: number }>();
  for (const c of counts) {
    const key = `${c.ispb} ${c.fault}`;
    summed.set(key, { ...c, n: (summed.get(key)?.n ?? 0) + c.n });
  }
  if (summed.size === 0) return;
  counts = [...summed.values()]; // one row per key: ON CONFLICT may touch a row once per statement
  await db.query(
    `INSERT INTO fault_counts (ispb, fault, n) SELECT * FROM unnest($1::char(8)[], $2::varchar[], $3::bigint[])
     ON CONFLICT (ispb, fault) DO UPDATE SET n = fault_counts.n + excluded.n`,
    [counts.map((c) => c.ispb), counts.map((c) => c.fault), counts.map((c) => c.n)],
  );
}

/** Injections counted so far, of one participant or (null) of all. */
export async function readFaultCounts(db: Queryable, ispb: string | null): Promise<{ ispb: string; fault: FaultName; n: number }[]> {
  const { rows } = await db.query<{ ispb: string; fault: FaultName; n: string }>(
    'SELECT ispb, fault, n FROM fault_counts WHERE $1::char(8) IS NULL OR ispb = $1 ORDER BY ispb, fault',
    [ispb],
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** Seconds each of these participants' AB03 reports are to be held back (those with lateAb03S on). */
export async function readLateAb03(db: Queryable, ispbs: readonly string[]): Promise<Map<string, number>> {
  if (ispbs.length === 0) return new Map();
  const { rows } = await db.query<{ ispb: string; s: number }>(
    `SELECT ispb, (faults->>'lateAb03S')::int AS s FROM participant_faults WHERE ispb = ANY ($1::text[]) AND (faults->>'lateAb03S')::int > 0`,
    [ispbs],
  );
  return new Map(rows.map((r) => [r.ispb, r.s]));
}

export async function holdReports(db: Queryable, held: readonly { ispb: string; releaseAfterS: number; row: object }[]): Promise<void> {
  if (held.length === 0) return;
  await db.query(
    `INSERT INTO held_reports (ispb, release_at, row)
     SELECT ispb, now() + make_interval(secs => s), r FROM unnest($1::char(8)[], $2::int[], $3::jsonb[]) AS h(ispb, s, r)`,
    [held.map((h) => h.ispb), held.map((h) => h.releaseAfterS), held.map((h) => JSON.stringify(h.row))],
  );
}

/** Takes the held reports that are due (deleted here: the caller stores them in the same transaction). */
export async function takeDueReports(db: Queryable, limit: number): Promise<unknown[]> {
  const { rows } = await db.query<{ row: unknown }>(
    `DELETE FROM held_reports WHERE id IN (SELECT id FROM held_reports WHERE release_at <= now() ORDER BY release_at LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING row`,
    [limit],
  );
  return rows.map((r) => r.row);
}
