/**
 * Step `soak`: does retention keep the hot tables flat under a steady inflow?
 * A second API process with RETENTION_HOURS=0.01 (36 s) and
 * RETENTION_INTERVAL_S=10, a paced inflow through ICOM inbound
 * (paced-sender.ts) at BENCH_SOAK_RATE, else half the inflow the many-ISPBs
 * step held, else 1,000 msg/s, and 6 long-polling collectors
 * (fleet.ts) on the soak ISPB, for BENCH_SOAK_S (default 600 s).
 * Every SAMPLE_S the size of messages and iterations (tables, indexes, TOAST:
 * pg_total_relation_size) is printed and kept.
 * PASS: none of the last 3 samples is more than 5 % above the first of them
 * (vacuum and retention keep up; a table that grows with the inflow would add
 * ~1/3 between them; one that shrinks as vacuum truncates it passes) and
 * none of them has more than 5 s of the soak ISPB's inflow pending: after the retention step
 * the table holds gigabytes of free space, which a growing backlog fills without
 * growing the files (seen at 3,290 msg/s: 3,815 -> 3,859 MiB, pending 190k -> 770k).
 * The bench's first API is stopped first: its job (168 h, a run a minute)
 * would otherwise take turns with the soak API's and hold the queue's one
 * slot for 60 s at a time. Its last queued run starts within 60 s, then the
 * soak API's chain runs every 10 s. The soak is the last step for that reason.
 */
import pg from 'pg';
import { countMessagesByState } from '../src/inspection/sql/count-messages.js';
import { CollectorFleet } from './fleet.js';
import type { Harness } from './harness.js';
import { FetchClient, HttpClient, sleep } from './http-client.js';
import { startSender, type SenderStats } from './paced-sender.js';
import { progress, round } from './stats.js';

const FLAT_TOLERANCE = 0.05;
/** Pending at each of those samples at most this many seconds of inflow. */
const BACKLOG_S = 5;
/** How long the collectors get, after the sender stops, to take what is left. */
const SETTLE_MS = 60_000;

export interface SoakSample {
  atS: number;
  messagesMiB: number;
  iterationsMiB: number;
  /** Rows in messages (pg_stat_user_tables.n_live_tup, an estimate); pending: the soak ISPB's, counted (a backlog grows the tables too). */
  liveRows: number;
  pending: number;
}

export interface SoakResult {
  seconds: number;
  rate: number;
  sender: SenderStats;
  samples: SoakSample[];
  /** (max - first) / first of the last 3 samples' total size: how much the tables grew over them. */
  lastGrowth: number;
  flat: boolean;
  unique: number;
  duplicates: number;
  dropped: number;
}

async function sizes(db: pg.Client, ispb: string, atS: number): Promise<SoakSample> {
  const { rows } = await db.query(
    `SELECT pg_total_relation_size('messages') AS m, pg_total_relation_size('iterations') AS i,
            (SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'messages') AS live`,
  );
  return {
    atS,
    messagesMiB: round(Number(rows[0].m) / 2 ** 20, 1),
    iterationsMiB: round(Number(rows[0].i) / 2 ** 20, 1),
    liveRows: Number(rows[0].live),
    // The soak ISPB's only: earlier steps leave other ISPBs' messages pending that no collector reads (the 1,000,000 generated, the raw ceiling's rest).
    pending: (await countMessagesByState(db, ispb)).pending,
  };
}

export async function measureSoak(harness: Harness, ispb: string, measuredRate: number | undefined): Promise<SoakResult> {
  const seconds = Number(process.env.BENCH_SOAK_S ?? 600);
  const rate = Number(process.env.BENCH_SOAK_RATE ?? measuredRate ?? 1000);
  const sampleS = Math.min(60, seconds / 6);
  await harness.stopApi(harness.apiPid);
  await harness.startApi({ RETENTION_HOURS: '0.01', RETENTION_INTERVAL_S: '10' });
  const http = new HttpClient(harness.apiUrl);
  const db = new pg.Client({ connectionString: harness.databaseUrl });
  await db.connect();
  const fleet = new CollectorFleet(new FetchClient(harness.apiUrl), [ispb], 6);
  try {
    fleet.start();
    const sender = startSender(http, [ispb], rate, 10);
    progress(`soak: ${rate} msg/s into ${ispb} for ${seconds} s, sizes every ${sampleS} s`);
    const samples: SoakSample[] = [];
    const started = performance.now();
    for (let at = sampleS; at <= seconds + 0.001; at += sampleS) {
      await sleep(started + at * 1000 - performance.now());
      const sample = await sizes(db, ispb, round(at));
      samples.push(sample);
      progress(`soak: ${sample.atS} s  messages ${sample.messagesMiB} MiB, iterations ${sample.iterationsMiB} MiB; ${sample.liveRows} rows, ${sample.pending} pending; ${fleet.counts().unique} delivered`);
    }
    const stats = await sender.stop();
    for (const deadline = performance.now() + SETTLE_MS; fleet.counts().unique < stats.messages && performance.now() < deadline; ) await sleep(200);
    const last = samples.slice(-3);
    const totals = last.map((s) => s.messagesMiB + s.iterationsMiB);
    const lastGrowth = round((Math.max(...totals) - totals[0]) / totals[0], 3);
    // A growing backlog fills free space left by earlier deletes without growing the files: not flat.
    const keptUp = last.every((s) => s.pending <= rate * BACKLOG_S);
    const { unique, duplicates } = fleet.counts();
    return { seconds, rate, sender: stats, samples, lastGrowth, flat: totals.length === 3 && lastGrowth <= FLAT_TOLERANCE && keptUp, unique, duplicates, dropped: stats.dropped };
  } finally {
    await fleet.stop();
    await db.end();
  }
}
