/**
 * Generation at any size. Up to GENERATE_SYNC_MAX the request itself inserts
 * and answers 201; above it the work is queued (pg-boss, see jobs/) and the
 * request answers 202 at once with the job's URI.
 *
 * Job states: queued -> running -> completed | failed; a failed attempt goes
 * back to queued while pg-boss retries remain. Progress commits with each
 * chunk, so a retry resumes from `created`: no duplicates, nothing missing.
 */
import { v4 as uuidv4 } from 'uuid';
import type { Database } from '../db/database.js';
import { translatingErrors } from '../db/errors.js';
import type { GenerationJob } from '../db/models/generation-job.js';
import type { Metrics } from '../lib/metrics.js';
import type { Waker } from '../stream/wakes.js';
import { generateMessages } from './generator.js';
import * as jobs from './sql/jobs.js';

/** Hands a job id to whatever runs jobs (jobs/generate-messages.ts). */
export interface GenerationQueue {
  enqueue(jobId: string): Promise<void>;
}

export type GenerationResult = { kind: 'done'; created: number } | { kind: 'queued'; jobId: string };

/** A generation job as callers see it: a plain object, not the model row. */
export interface GenerationJobState {
  id: string;
  ispb: string;
  total: number;
  created: number;
  state: GenerationJob['state'];
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export class GenerationService {
  constructor(
    private readonly db: Database,
    private readonly waker: Waker,
    private readonly jobModel: typeof GenerationJob,
    private readonly queue: GenerationQueue,
    private readonly metrics: Metrics,
    private readonly syncMax: number,
  ) {}

  async request(ispb: string, count: number): Promise<GenerationResult> {
    if (count <= this.syncMax) {
      const created = await generateMessages(this.db, this.waker, ispb, count, { onCommitted: (n) => this.metrics.messagesGenerated.inc(n) });
      return { kind: 'done', created };
    }
    const jobId = uuidv4();
    await translatingErrors(() => this.jobModel.create({ id: jobId, ispb, total: count }));
    await this.queue.enqueue(jobId);
    return { kind: 'queued', jobId };
  }

  async find(jobId: string): Promise<GenerationJobState | null> {
    const job = await translatingErrors(() => this.jobModel.findByPk(jobId));
    if (!job) return null;
    const { id, ispb, total, created, state, error, attempts, createdAt, updatedAt } = job;
    return { id, ispb, total, created, state, error, attempts, createdAt, updatedAt };
  }
}

/** The rest of a job goes to a fresh run (queued first, so a crash in between loses nothing). */
export async function continueGenerationLater(db: Database, queue: GenerationQueue, jobId: string): Promise<void> {
  await queue.enqueue(jobId);
  await jobs.markGenerationQueued(db, jobId);
}

/** How long one run of a job works before handing the rest to a fresh run. */
export const GENERATION_SLICE_MS = 10_000;

/**
 * One run of a generation job: works for at most GENERATION_SLICE_MS (or until
 * `stop`, at shutdown), then asks to `continue` in a fresh run. Short runs let
 * pg-boss notice a run that died with its process within a minute, instead of
 * only after the time a whole 10-million-message job takes.
 * Throws (for pg-boss to retry) after recording the error.
 */
export async function runGenerationJob(
  db: Database,
  waker: Waker,
  metrics: Metrics,
  jobId: string,
  finalAttempt: boolean,
  stop: AbortSignal,
): Promise<'done' | 'continue'> {
  const job = await jobs.beginGenerationAttempt(db, jobId);
  if (!job) return 'done'; // unknown, or already completed by an earlier run
  const sliceEnds = Date.now() + GENERATION_SLICE_MS;
  try {
    const remaining = job.total - job.created;
    const created = await generateMessages(db, waker, job.ispb, remaining, {
      onChunk: (client, inserted) => jobs.addGenerationProgress(client, jobId, inserted),
      onCommitted: (inserted) => metrics.messagesGenerated.inc(inserted),
      shouldStop: () => stop.aborted || Date.now() > sliceEnds,
    });
    if (created < remaining) return 'continue';
    await jobs.finishGenerationJob(db, jobId);
    return 'done';
  } catch (err) {
    // If the database itself is what failed, recording fails too; pg-boss must still see the original error.
    await jobs.recordGenerationError(db, jobId, String((err as Error).message), finalAttempt).catch(() => undefined);
    throw err;
  }
}
