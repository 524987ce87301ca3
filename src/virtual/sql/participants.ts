/** The virtual participants and their profiles (migrations/…-virtual-participants.js). */
import type { Queryable } from '../../db/database.js';

export interface VirtualRow {
  ispb: string;
  profile: unknown;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  ispb: string;
  profile: unknown;
  created_at: Date;
  updated_at: Date;
  created: boolean;
}

const row = (r: Row): VirtualRow => ({ ispb: r.ispb, profile: r.profile, createdAt: r.created_at, updatedAt: r.updated_at });

const UPSERT_SQL = `
INSERT INTO virtual_participants (ispb, profile) VALUES ($1, $2)
ON CONFLICT (ispb) DO UPDATE SET profile = excluded.profile, updated_at = now()
RETURNING ispb, profile, created_at, updated_at, (xmax = 0) AS created`;

/** Sets `ispb`'s profile; `created` when it was not virtual before. */
export async function upsertVirtual(db: Queryable, ispb: string, profile: object): Promise<VirtualRow & { created: boolean }> {
  const { rows } = await db.query<Row>(UPSERT_SQL, [ispb, JSON.stringify(profile)]);
  return { ...row(rows[0]!), created: rows[0]!.created };
}

export async function readVirtual(db: Queryable, ispb: string): Promise<VirtualRow | undefined> {
  const { rows } = await db.query<Row>('SELECT ispb, profile, created_at, updated_at FROM virtual_participants WHERE ispb = $1', [ispb]);
  return rows[0] && row(rows[0]);
}

/** Every virtual participant with its profile (a handful: the worker reads them every few seconds). */
export async function readAllVirtual(db: Queryable): Promise<VirtualRow[]> {
  const { rows } = await db.query<Row>('SELECT ispb, profile, created_at, updated_at FROM virtual_participants ORDER BY ispb');
  return rows.map(row);
}

/**
 * Ends `ispb` as a virtual participant: its profile, the answers it had not
 * posted yet, and its running payments (stopped). Whether it was virtual.
 */
export async function deleteVirtual(db: Queryable, ispb: string): Promise<boolean> {
  await db.query('DELETE FROM virtual_answers WHERE ispb = $1', [ispb]);
  await db.query(`UPDATE virtual_payment_runs SET state = 'stopped', updated_at = now() WHERE ispb = $1 AND state = 'running'`, [ispb]);
  const { rowCount } = await db.query('DELETE FROM virtual_participants WHERE ispb = $1', [ispb]);
  return rowCount === 1;
}
