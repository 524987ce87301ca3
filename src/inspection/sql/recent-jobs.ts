/**
 * Generation jobs worth showing: those still queued or running, and those that
 * changed within the dashboard's window. generation_jobs holds one row per large
 * generator request (above GENERATE_SYNC_MAX), so reading it whole is cheap.
 */
import type { Queryable } from '../../db/database.js';

export interface JobProgress {
  id: string;
  ispb: string;
  total: number;
  created: number;
  state: 'queued' | 'running' | 'completed' | 'failed';
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function readRecentJobs(db: Queryable, windowS: number, limit: number): Promise<JobProgress[]> {
  const { rows } = await db.query(
    `SELECT id, ispb, total, created, state, error, created_at, updated_at
       FROM generation_jobs
      WHERE state IN ('queued', 'running') OR updated_at > now() - make_interval(secs => $1)
      ORDER BY created_at DESC
      LIMIT $2`,
    [windowS, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    ispb: row.ispb,
    total: row.total,
    created: row.created,
    state: row.state,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}
