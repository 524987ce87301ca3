/**
 * Where a timed section's time went, read from outside the API:
 *   - the database's active backends, sampled every 100 ms from
 *     pg_stat_activity: how many were busy on average and on what (CPU, a WAL
 *     flush, a lock; the NOTIFY queue's commit lock shows as Lock:object);
 *   - the API's own claim histograms from GET /metrics, read before and after:
 *     how many pulls each claim statement carried, and how long a claim took
 *     from the moment a request asked for it (waiting for a group included).
 * The drains print both next to their rate, so "what limits it" is measured.
 */
import pg from 'pg';
import { activeWaits } from './footprint.js';
import { sleep } from './http-client.js';
import { round } from './stats.js';

const WAIT_SAMPLE_MS = 100;
/** application_name of the bench's monitoring sessions, which the samples leave out. */
export const MONITOR_NAME = 'pix-bench-monitor';

export interface DbActivity {
  /** Active backends of the bench database, on average over the samples. */
  averageBusy: number;
  /** The five most frequent waits, as a percent of busy samples. */
  waits: Record<string, number>;
}

/** Top `n` of a tally, as shares of `total` (percent). */
function topShares(tally: Map<string, number>, total: number, n: number): Record<string, number> {
  const top = [...tally].sort((a, b) => b[1] - a[1]).slice(0, n);
  return Object.fromEntries(top.map(([name, count]) => [name, round((count / total) * 100)]));
}

/** Samples the backends' waits until stopped, leaving out the bench's monitoring sessions (MONITOR_NAME). */
export function sampleDbActivity(admin: pg.Client): { stop(): Promise<DbActivity> } {
  const waits = new Map<string, number>();
  let samples = 0;
  let busy = 0;
  const sampling = repeatEvery(WAIT_SAMPLE_MS, async () => {
    const now = await activeWaits(admin, MONITOR_NAME);
    samples += 1;
    busy += now.length;
    for (const wait of now) waits.set(wait, (waits.get(wait) ?? 0) + 1);
  });
  return {
    async stop() {
      await sampling.stop();
      return { averageBusy: samples ? round(busy / samples, 2) : 0, waits: topShares(waits, Math.max(1, busy), 5) };
    },
  };
}

/**
 * Runs `work` every `ms` until stopped; a reading still running when the next
 * is due is not doubled (under load: skip a beat rather than pile up), and its
 * failures are ignored (a missed sample). `stop` waits for the one in flight.
 */
export function repeatEvery(ms: number, work: () => Promise<void>): { stop(): Promise<void> } {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run().catch(() => undefined), ms);
  return {
    async stop() {
      clearInterval(timer);
      while (running) await sleep(10);
    },
  };
}

export const describeDbActivity = (a: DbActivity) =>
  `${a.averageBusy} backends busy on average (${Object.entries(a.waits).map(([wait, pct]) => `${wait} ${pct} %`).join(', ')})`;

interface ClaimCounters {
  groupSum: number;
  groupCount: number;
  claimSeconds: number;
  claims: number;
}

async function claimCounters(apiUrl: string): Promise<ClaimCounters> {
  const text = await (await fetch(new URL('/metrics', apiUrl))).text();
  const sum = (name: string) => {
    // Summed over label sets (a histogram may be labelled by face).
    let total = 0;
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(match[1]);
    return total;
  };
  return {
    groupSum: sum('pix_stream_pull_group_size_sum'),
    groupCount: sum('pix_stream_pull_group_size_count'),
    claimSeconds: sum('pix_stream_claim_seconds_sum'),
    claims: sum('pix_stream_claim_seconds_count'),
  };
}

export interface ClaimSplit {
  /** Pulls one claim statement carried, on average. */
  pullsPerStatement: number;
  /** A claim as the request saw it: waiting for its group, the statement, its commit. */
  claimMeanMs: number;
}

/** Reads the API's claim counters now; `finish` reads them again and returns the difference. */
export async function watchClaims(apiUrl: string): Promise<{ finish(): Promise<ClaimSplit> }> {
  const before = await claimCounters(apiUrl);
  return {
    async finish() {
      const after = await claimCounters(apiUrl);
      const statements = after.groupCount - before.groupCount;
      const claims = after.claims - before.claims;
      return {
        pullsPerStatement: statements ? round((after.groupSum - before.groupSum) / statements, 2) : 0,
        claimMeanMs: claims ? round(((after.claimSeconds - before.claimSeconds) / claims) * 1000, 2) : 0,
      };
    },
  };
}

export interface TimeSplit {
  claims: ClaimSplit;
  database: DbActivity;
}

/**
 * Runs `work` (one timed section) with both readings around it, on a
 * monitoring session of its own (`adminUrl`: any database of the server); the
 * sampler stops and the session closes whether or not `work` succeeds.
 */
export async function withTimeSplit<T>(adminUrl: string, apiUrl: string, work: () => Promise<T>): Promise<{ result: T; split: TimeSplit }> {
  const admin = new pg.Client({ connectionString: adminUrl, application_name: MONITOR_NAME });
  await admin.connect();
  try {
    const claims = await watchClaims(apiUrl);
    const activity = sampleDbActivity(admin);
    let result: T;
    let database: DbActivity;
    try {
      result = await work();
    } finally {
      database = await activity.stop();
    }
    return { result, split: { database, claims: await claims.finish() } };
  } finally {
    await admin.end();
  }
}

/** One line for the report: the claim's share of a request, and the database's waits. */
export const describeTimeSplit = (split: TimeSplit, requestMeanMs: number) =>
  `claim ${split.claims.claimMeanMs} ms of ${round(requestMeanMs, 2)} ms per request, ${split.claims.pullsPerStatement} pulls per statement; database: ${describeDbActivity(split.database)}`;
