/**
 * `pix-stream generate`: POST /api/util/msgs/{ispb}/{count}. Up to the
 * server's GENERATE_SYNC_MAX the answer is 201 when done; above it, 202 with
 * the Location of a background job, which we poll every 500 ms until it
 * completes or fails.
 *
 * The POST is sent once: it is not idempotent, so a network error is
 * reported, not retried. Polling the job is a GET, retried through outages.
 */
import { apiUrl, type GenerateOptions } from './args.js';
import { describeReply, pause, request, type HttpReply } from './http.js';
import { formatCount, formatDuration, LiveLine, progressBar } from './progress.js';

const POLL_INTERVAL_MS = 500;
/** Give up polling after the job URL has failed to answer for this long in a row. */
const POLL_OUTAGE_LIMIT_MS = 120_000;
/** Synchronous generation of the largest sync batch takes seconds; this only guards a dead server. */
const POST_TIMEOUT_MS = 15 * 60_000;

interface Job {
  id: string;
  total: number;
  created: number;
  state: 'queued' | 'running' | 'completed' | 'failed';
  error: string | null;
}

export async function generate(options: GenerateOptions): Promise<number> {
  const startedAt = Date.now();
  const url = apiUrl(options.baseUrl, `/api/util/msgs/${options.ispb}/${options.count}`);
  let reply: HttpReply;
  try {
    reply = await request(url, { method: 'POST', timeoutMs: POST_TIMEOUT_MS });
  } catch (err) {
    return fail(`POST ${url.href} failed: ${(err as Error).message}`);
  }
  if (reply.status === 201) {
    const { created } = JSON.parse(reply.body) as { created: number };
    process.stdout.write(`created ${formatCount(created)} messages for ISPB ${options.ispb} in ${formatDuration(Date.now() - startedAt)}\n`);
    return 0;
  }
  const location = reply.headers.location;
  if (reply.status !== 202 || !location) return fail(`POST ${url.pathname} answered ${describeReply(reply)}`);

  const jobUrl = new URL(location, options.baseUrl);
  const onSignal = () => {
    live.stop();
    process.stderr.write(`interrupted; the job goes on on the server: GET ${jobUrl.href}\n`);
    process.exit(130);
  };
  let job: Job | null = null;
  const live = new LiveLine({
    render: () => `${progressBar(job?.created ?? 0, job?.total ?? options.count)}  ${formatCount(job?.created ?? 0)} / ${formatCount(job?.total ?? options.count)}  ${job?.state ?? 'queued'}`,
    ttyIntervalMs: 0,
    plainIntervalMs: 0,
  });
  process.stderr.write(`generating ${formatCount(options.count)} messages for ISPB ${options.ispb} as a background job: ${jobUrl.pathname}\n`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    job = await follow(jobUrl, live, (latest) => (job = latest));
  } finally {
    live.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!job) return 1;
  if (job.state === 'failed') return fail(`job ${job.id} failed after ${formatCount(job.created)} of ${formatCount(job.total)}: ${job.error ?? 'no error given'}`);
  process.stdout.write(
    `created ${formatCount(job.created)} messages for ISPB ${options.ispb} in ${formatDuration(Date.now() - startedAt)} (job ${job.id})\n`,
  );
  return 0;
}

/** Polls the job until completed or failed; null when it cannot be followed any more. */
async function follow(jobUrl: URL, live: LiveLine, onUpdate: (job: Job) => void): Promise<Job | null> {
  let lastPercent = -1;
  let lastPlainAt = 0;
  let failingSince: number | null = null;
  for (;;) {
    let problem: string | null = null;
    try {
      const reply = await request(jobUrl, { timeoutMs: 10_000 });
      if (reply.status === 200) {
        const job = JSON.parse(reply.body) as Job;
        failingSince = null;
        onUpdate(job);
        if (live.isTTY) {
          live.draw();
        } else {
          // Plain lines: when the whole percentage moves, at most once a second, and always the last.
          const percent = Math.floor((100 * job.created) / Math.max(job.total, 1));
          const final = job.state === 'completed' || job.state === 'failed';
          if ((percent !== lastPercent && Date.now() - lastPlainAt >= 1000) || final) {
            live.log(`${percent}%  ${formatCount(job.created)} / ${formatCount(job.total)}  ${job.state}`);
            lastPercent = percent;
            lastPlainAt = Date.now();
          }
        }
        if (job.state === 'completed' || job.state === 'failed') return job;
      } else if (reply.status < 500) {
        fail(`GET ${jobUrl.pathname} answered ${describeReply(reply)}`);
        return null;
      } else {
        problem = describeReply(reply);
      }
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem !== null) {
      failingSince ??= Date.now();
      if (Date.now() - failingSince > POLL_OUTAGE_LIMIT_MS) {
        fail(`gave up on ${jobUrl.pathname} after ${formatDuration(Date.now() - failingSince)} of errors (${problem}); the job may still be running`);
        return null;
      }
    }
    await pause(POLL_INTERVAL_MS);
  }
}

function fail(message: string): number {
  process.stderr.write(`pix-stream: ${message}\n`);
  return 1;
}
