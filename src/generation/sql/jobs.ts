/**
 * The worker's statements on generation_jobs. Creating and reading a job is
 * plain CRUD through the Sequelize model (db/models/generation-job.ts); these
 * run inside each chunk's pg transaction, or guard a state change.
 */
import type { Queryable } from '../../db/database.js';

export interface GenerationAttempt {
  ispb: string;
  total: number;
  created: number;
}

/** Marks an attempt as started; returns what is left to do (null if unknown or already finished). */
export async function beginGenerationAttempt(db: Queryable, id: string): Promise<GenerationAttempt | null> {
  const { rows } = await db.query<GenerationAttempt>(
    `UPDATE generation_jobs SET state = 'running', attempts = attempts + 1, updated_at = now()
      WHERE id = $1 AND state IN ('queued', 'running')
      RETURNING ispb, total, created`,
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
