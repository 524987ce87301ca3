/**
 * Runs large generator requests in the background. pg-boss holds the queue,
 * generation_jobs holds the progress (see generation/service.ts).
 */
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Metrics } from '../lib/metrics.js';
import type { Waker } from '../stream/wakes.js';
import { createQueue } from './queue.js';
import { continueGenerationLater, runGenerationJob, type GenerationQueue } from '../generation/service.js';

export const GENERATE_MESSAGES = 'generate-messages';
// Retries also cover attempts cut short by a shutdown; each resumes where the last one stopped.
const RETRY_LIMIT = 5;

interface GenerateJobData {
  jobId: string;
}

export async function createGenerationQueue(boss: PgBoss): Promise<GenerationQueue> {
  await createQueue(boss, GENERATE_MESSAGES, 'standard');
  return {
    async enqueue(jobId) {
      await boss.send(GENERATE_MESSAGES, { jobId } satisfies GenerateJobData, {
        retryLimit: RETRY_LIMIT,
        retryDelay: 1,
        // A run works for GENERATION_SLICE_MS (10 s) at most; one still active after 30 s died with its process.
        expireInSeconds: 30,
      });
    },
  };
}

export async function workGenerationQueue(
  boss: PgBoss,
  queue: GenerationQueue,
  db: Database,
  waker: Waker,
  metrics: Metrics,
  shutdown: AbortSignal,
): Promise<void> {
  await boss.work<GenerateJobData>(
    GENERATE_MESSAGES,
    { pollingIntervalSeconds: 1, includeMetadata: true },
    async ([job]) => {
      const { jobId } = job.data;
      const outcome = await runGenerationJob(db, waker, metrics, jobId, job.retryCount >= RETRY_LIMIT, shutdown);
      // Queue the next run before this one completes: if we die in between, the job is still running here and expires.
      if (outcome === 'continue') await continueGenerationLater(db, queue, jobId);
    },
  );
}
