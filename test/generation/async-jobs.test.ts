/**
 * Requests above GENERATE_SYNC_MAX run as background jobs: 202 + Location at
 * once, progress to poll, chunks that collectors can take while the job runs.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createMetrics } from '../../src/lib/metrics';
import { quietProbes } from '../support/probes';
import { continueGenerationLater, runGenerationJob } from '../../src/generation/service';
import { get } from '../support/collector';
import { messageCounts, noWaitersHere, randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
const metrics = createMetrics(quietProbes);
beforeAll(async () => {
  // A long poll of 25 s: the job's first chunk (5,000 messages rendered as XML too) reaches the waiting collector within it
  // even on a busy machine (once, with the whole suite running on 2 cores, none had arrived after 15 s). The stream's idle
  // timeout is longer than the long poll, so expiry never ends the stream under a collector still waiting.
  server = await startTestServer({ JOBS: 'on', GENERATE_SYNC_MAX: '1000', LONG_POLL_TIMEOUT_MS: '25000', STREAM_IDLE_TIMEOUT_S: '60' });
});
afterAll(() => server.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('answers 202 with a job URI, and a collector gets messages before the job ends', async () => {
  const ispb = randomIspb();
  // The collector is already waiting when the job starts.
  const early = get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
  await sleep(100);
  const accepted = await request(server.url).post(`/api/util/msgs/${ispb}/250000`);
  expect(accepted.status).toBe(202);
  expect(accepted.headers.location).toMatch(/^\/api\/util\/jobs\/[0-9a-f-]{36}$/);
  expect(accepted.body).toMatchObject({ ispb, total: 250_000 });

  const first = await early;
  expect(first.status).toBe(200);
  const jobWhenFirstArrived = (await request(server.url).get(accepted.headers.location)).body;
  expect(jobWhenFirstArrived.created).toBeLessThan(250_000);

  let job = jobWhenFirstArrived;
  const deadline = Date.now() + 120_000;
  while (job.state !== 'completed' && Date.now() < deadline) {
    expect(['queued', 'running']).toContain(job.state);
    await sleep(250);
    job = (await request(server.url).get(accepted.headers.location)).body;
  }
  expect(job).toMatchObject({ ispb, state: 'completed', created: 250_000, total: 250_000, error: null });
  expect((await messageCounts(server.db, ispb)).total).toBe(250_000);
  await get(server.url, first.pullNext!, 'multipart/json', 'DELETE');
}, 150_000);

it('answers 201 at or below the sync limit, 400 above 10,000,000', async () => {
  const ispb = randomIspb();
  expect((await request(server.url).post(`/api/util/msgs/${ispb}/1000`)).status).toBe(201);
  const tooMany = await request(server.url).post(`/api/util/msgs/${ispb}/10000001`);
  expect(tooMany.status).toBe(400);
  expect((await messageCounts(server.db, ispb)).total).toBe(1000);
});

it('GET /api/util/jobs/{id}: 404 for an unknown job, 400 for a malformed id', async () => {
  expect((await request(server.url).get('/api/util/jobs/0d7c9b3e-5a61-4b43-9a49-8d1c2f7e6a10')).status).toBe(404);
  const malformed = await request(server.url).get('/api/util/jobs/nope');
  expect(malformed.status).toBe(400);
  expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
});

it('a run cut short (shutdown) asks to continue, and the next run resumes from its progress without duplicates', async () => {
  const ispb = randomIspb();
  const jobId = randomUUID();
  const total = 40_000; // eight chunks: a shutdown after the first commit leaves most of it undone
  const { GenerationJob } = server.models;
  const findJob = async () => (await GenerationJob.findByPk(jobId))!.toJSON();
  await GenerationJob.create({ id: jobId, ispb, total });
  const shutdown = new AbortController();
  const firstRun = runGenerationJob(server.db, noWaitersHere, metrics, jobId, false, shutdown.signal);
  // Stop once the first chunk has committed, as a shutdown would.
  while (!((await findJob()).created > 0)) await sleep(5);
  shutdown.abort();
  expect(await firstRun).toBe('continue');

  const queued: string[] = [];
  await continueGenerationLater(server.db, { enqueue: async (id) => void queued.push(id) }, jobId);
  expect(queued).toEqual([jobId]);
  const cut = await findJob();
  expect(cut).toMatchObject({ state: 'queued', attempts: 1, error: null });
  expect(cut.created).toBeGreaterThan(0);
  expect(cut.created).toBeLessThan(total);
  expect((await messageCounts(server.db, ispb)).total).toBe(cut.created);

  expect(await runGenerationJob(server.db, noWaitersHere, metrics, jobId, false, new AbortController().signal)).toBe('done');
  expect(await findJob()).toMatchObject({ state: 'completed', created: total, attempts: 2 });
  expect((await messageCounts(server.db, ispb)).total).toBe(total);
});
