/** SQL of asynchronous generation jobs (table generation_jobs). */
import type { Queryable } from '../db/database.js';

export type GenerationState = 'queued' | 'running' | 'completed' | 'failed';

export interface GenerationJob {
  id: string;
  ispb: string;
  total: number;
  created: number;
  state: GenerationState;
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, ispb, total, created, state, error, attempts, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertGenerationJob(db: Queryable, job: { id: string; ispb: string; total: number }): Promise<void> {
  await db.query('INSERT INTO generation_jobs (id, ispb, total) VALUES ($1, $2, $3)', [job.id, job.ispb, job.total]);
}

export async function findGenerationJob(db: Queryable, id: string): Promise<GenerationJob | null> {
  const { rows } = await db.query<GenerationJob>(`SELECT ${COLUMNS} FROM generation_jobs WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Marks an attempt as started; returns the job as it stands (null if unknown or already finished). */
export async function beginGenerationAttempt(db: Queryable, id: string): Promise<GenerationJob | null> {
  const { rows } = await db.query<GenerationJob>(
    `UPDATE generation_jobs SET state = 'running', attempts = attempts + 1, updated_at = now()
      WHERE id = $1 AND state IN ('queued', 'running')
      RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

export async function addGenerationProgress(db: Queryable, id: string, inserted: number): Promise<void> {
  await db.query('UPDATE generation_jobs SET created = created + $2, updated_at = now() WHERE id = $1', [id, inserted]);
}

export async function markGenerationQueued(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE generation_jobs SET state = 'queued', updated_at = now() WHERE id = $1 AND state = 'running'`, [id]);
}

export async function finishGenerationJob(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE generation_jobs SET state = 'completed', error = NULL, updated_at = now() WHERE id = $1`, [id]);
}

/** Records a failed attempt: back to queued while retries remain, else failed for good. */
export async function recordGenerationError(db: Queryable, id: string, error: string, final: boolean): Promise<void> {
  await db.query(
    `UPDATE generation_jobs SET state = $3, error = $2, updated_at = now() WHERE id = $1`,
    [id, error, final ? 'failed' : 'queued'],
  );
}
