/**
 * Step 1: how fast the generator endpoint fills the store.
 * 100,000 synchronously (201), then 1,000,000 as a pg-boss job (202 + Location, polled until completed).
 * Also `seed()`: fill an ISPB through the same endpoint before a timed step.
 */
import { cpu } from './cpu-split.js';
import { HttpClient, sleep } from './http-client.js';
import { perSecond, progress, round } from './stats.js';

const SYNC_MAX = 100_000;

export interface GenerationRate {
  sync: { messages: number; seconds: number; messagesPerSecond: number };
  async: { messages: number; seconds: number; messagesPerSecond: number; polls: number };
}

async function generateSync(client: HttpClient, ispb: string, count: number): Promise<void> {
  const reply = await client.request(`/api/util/msgs/${ispb}/${count}`, { method: 'POST' });
  if (reply.status !== 201) throw new Error(`POST /api/util/msgs/${ispb}/${count} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  const created = JSON.parse(reply.body).created;
  if (created !== count) throw new Error(`generator created ${created} of ${count} messages for ${ispb}`);
}

/** Fills `ispb` with `count` pending messages, in synchronous requests of at most 100,000. */
export async function seed(client: HttpClient, ispb: string, count: number): Promise<void> {
  for (let left = count; left > 0; left -= SYNC_MAX) await generateSync(client, ispb, Math.min(SYNC_MAX, left));
}

/**
 * VACUUM (ANALYZE) of the tables a seed fills, before a timed step. Without it
 * the step shared the two cores with autovacuum's pass over the rows seeded for
 * it and the steps before (an ICOM drain after two other steps: 5,744 msg/s,
 * alone on a fresh database 8,488), and a table not analyzed yet can get a bad
 * plan (the raw claim read all 450,000 pending rows through a bitmap and sorted
 * them: 150 msg/s). A live system's autovacuum meets its rows as they arrive;
 * the soak step measures whether it keeps up.
 */
export async function settle(db: { query(sql: string): Promise<unknown> }): Promise<void> {
  const started = performance.now();
  // Not iterations: analyzed while nearly empty, it made the pool's cached generic plans read it with
  // a Seq Scan, kept while a drain grew it to 30,000 rows (challenge drain 10,199 -> 3,912 msg/s).
  await db.query('VACUUM (ANALYZE) messages, deliveries');
  progress(`seeded rows vacuumed and analyzed in ${round((performance.now() - started) / 1000, 1)} s`);
}

interface JobState {
  state: string;
  created: number;
  total: number;
  error: string | null;
}

export async function measureGeneration(client: HttpClient, ispb: string): Promise<GenerationRate> {
  progress(`generation: POST /api/util/msgs/${ispb}/100000 (sync)`);
  let span = cpu.span('generation 100k sync');
  let started = performance.now();
  await generateSync(client, ispb, SYNC_MAX);
  const syncMs = performance.now() - started;
  span.end();

  const total = 1_000_000;
  progress(`generation: POST /api/util/msgs/${ispb}/${total} (async job)`);
  span = cpu.span('generation 1M async');
  started = performance.now();
  const accepted = await client.request(`/api/util/msgs/${ispb}/${total}`, { method: 'POST' });
  const location = accepted.headers.location;
  if (accepted.status !== 202 || typeof location !== 'string') {
    throw new Error(`async generation answered ${accepted.status} (Location ${String(location)}): ${accepted.body.slice(0, 300)}`);
  }
  let polls = 0;
  let lastReport = started;
  for (;;) {
    await sleep(100);
    const { status, body } = await client.json<JobState>(location);
    polls += 1;
    if (status !== 200) throw new Error(`GET ${location} answered ${status}`);
    if (body.state === 'completed') break;
    if (body.state === 'failed') throw new Error(`generation job failed: ${body.error}`);
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      progress(`generation: job ${body.state}, ${body.created}/${body.total}`);
    }
    if (performance.now() - started > 180_000) throw new Error(`generation job not done after 180 s: ${JSON.stringify(body)}`);
  }
  const asyncMs = performance.now() - started;
  span.end();
  return {
    sync: { messages: SYNC_MAX, seconds: round(syncMs / 1000, 2), messagesPerSecond: perSecond(SYNC_MAX, syncMs) },
    async: { messages: total, seconds: round(asyncMs / 1000, 2), messagesPerSecond: perSecond(total, asyncMs), polls },
  };
}
