/**
 * Steps 2 and 3: how fast collectors drain a seeded ISPB over HTTP, with
 * Node's fetch (FetchClient: gzip answers, or identity ones) as the client.
 * Each collector: start, follow Pull-Next. A 204 would take the whole long
 * poll (30 s), so every collector stops as soon as the union of what they
 * received reaches the seeded count (requests still waiting are aborted),
 * then DELETEs its newest Pull-Next (acknowledges the last batch, closes).
 * Rate = unique messages / (first request sent -> last message received).
 */
import { setMaxListeners } from 'node:events';
import { countMessagesByState } from '../src/inspection/sql/count-messages.js';
import type { Queryable } from '../src/db/database.js';
import { collectorAgent, endToEndIds, isAbort, pullNextOf, sleep, type HttpReply, type Requester } from './http-client.js';
import { cpu } from './cpu-split.js';
import { perSecond, progress, round, summarize, type LatencySummary } from './stats.js';
import type { TimeSplit } from './time-split.js';

/** No new message for longer than a long poll: something is wrong, stop rather than hang. */
const STALL_MS = 40_000;

export interface DrainResult {
  /** Who drained: Node's fetch asking for gzip (its default) or identity, the client library, the CLI. */
  client: string;
  face: 'challenge' | 'icom';
  collectors: number;
  multipart: boolean;
  seeded: number;
  received: number;
  unique: number;
  duplicates: number;
  seconds: number;
  messagesPerSecond: number;
  requests: number;
  latency: LatencySummary;
  statuses: Record<string, number>;
  closes: Record<string, number>;
  stalled: boolean;
  audit?: IspbAudit;
  /** Where the requests' time went (time-split.ts). */
  timeSplit?: TimeSplit;
  /** Autovacuum/autoanalyze runs on `messages` that overlapped the drain (their CPU counts as PostgreSQL's). */
  autovacuumRuns?: number;
  ok: boolean;
}

export interface IspbAudit {
  total: number;
  acked: number;
  pending: number;
  inFlight: number;
  deliveredTwice: number;
}

/** Autovacuum + autoanalyze runs on `messages` so far. */
export async function maintenanceRuns(db: Queryable): Promise<number> {
  const { rows } = await db.query(
    `SELECT (autovacuum_count + autoanalyze_count)::int AS n FROM pg_stat_user_tables WHERE relname = 'messages'`,
  );
  return rows[0]?.n ?? 0;
}

/** What the database says about an ISPB's messages after the drain. */
export async function auditIspb(db: Queryable, ispb: string): Promise<IspbAudit> {
  const counts = await countMessagesByState(db, ispb);
  return { total: counts.total, acked: counts.acked, pending: counts.pending, inFlight: counts.inFlight, deliveredTwice: counts.redelivered };
}

/** What a collector of each face sends and reads: the start path, its batch media type, its pull-next header, the ids in a body. */
const FACES = {
  challenge: {
    start: (ispb: string) => `/api/pix/${ispb}/stream/start`,
    multipart: 'multipart/json',
    pullNext: pullNextOf,
    endToEndIds,
  },
  icom: {
    start: (ispb: string) => `/api/v1/out/${ispb}/stream/start`,
    multipart: 'multipart/mixed',
    pullNext: (reply: HttpReply) => {
      const value = reply.headers['pi-pull-next'];
      if (typeof value !== 'string') throw new Error(`reply ${reply.status} has no PI-Pull-Next: ${reply.body.slice(0, 300)}`);
      return value;
    },
    endToEndIds: (body: string) => [...body.matchAll(/<EndToEndId>([^<]+)<\/EndToEndId>/g)].map((match) => match[1]),
  },
};

/** The label of a drain's client: its Accept-Encoding. */
export function clientLabel(client: Requester): string {
  const encoding = (client as { encoding?: string }).encoding;
  return encoding === undefined ? 'node:http' : encoding === 'identity' ? 'fetch, identity' : 'fetch, gzip';
}

export async function measureDrain(
  client: Requester,
  ispb: string,
  seeded: number,
  collectors: number,
  multipart: boolean,
  face: 'challenge' | 'icom' = 'challenge',
): Promise<DrainResult> {
  const wire = FACES[face];
  const label = clientLabel(client);
  const headers = multipart ? { accept: wire.multipart } : {};
  const seen = new Set<string>();
  let duplicates = 0;
  let received = 0;
  let lastMessageAt = 0;
  let lastProgressAt = performance.now();
  let stalled = false;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const closes: Record<string, number> = {};
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one listener per in-flight request
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgressAt > STALL_MS) {
      stalled = true;
      stop.abort();
    }
  }, 1000);

  const take = (reply: HttpReply) => {
    const ids = wire.endToEndIds(reply.body);
    for (const id of ids) {
      if (seen.has(id)) duplicates += 1;
      else seen.add(id);
    }
    received += ids.length;
    if (ids.length > 0) lastMessageAt = lastProgressAt = reply.receivedAt;
    if (seen.size >= seeded) stop.abort();
  };

  const collector = async () => {
    const agent = collectorAgent();
    let newest: string | null = null;
    let path = wire.start(ispb);
    try {
      while (!stop.signal.aborted) {
        const sent = performance.now();
        let reply: HttpReply;
        try {
          reply = await client.request(path, { agent, headers, signal: stop.signal });
        } catch (err) {
          if (isAbort(err)) break;
          throw err;
        }
        latencies.push(reply.receivedAt - sent);
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        if (reply.status === 200 || reply.status === 204) {
          take(reply);
          path = newest = wire.pullNext(reply);
        } else if (reply.status >= 500 || reply.status === 429) {
          await sleep(50); // counted in statuses; retry the same URI (a replay is harmless)
        } else {
          throw new Error(`${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
        }
      }
      // Aborted during start: the server closes a stream whose start hung up.
      if (newest) {
        const closed = await client.request(newest, { method: 'DELETE', agent });
        closes[closed.status] = (closes[closed.status] ?? 0) + 1;
      }
    } finally {
      agent.destroy();
    }
  };

  progress(`drain (${face}, ${label}): ${collectors} collector(s), ${multipart ? wire.multipart : 'single message'}, ${seeded} messages`);
  const span = cpu.span(`drain ${face} ${collectors}x ${multipart ? 'multipart' : 'single'} (${label})`);
  const firstSent = performance.now();
  try {
    await Promise.all(Array.from({ length: collectors }, collector));
  } finally {
    span.end();
    clearInterval(watchdog);
    stop.abort();
  }
  const elapsedMs = lastMessageAt > 0 ? lastMessageAt - firstSent : NaN;
  const ok = !stalled && seen.size === seeded && duplicates === 0 && Object.keys(closes).every((status) => status === '200');
  return {
    client: label,
    face,
    collectors,
    multipart,
    seeded,
    received,
    unique: seen.size,
    duplicates,
    seconds: round(elapsedMs / 1000, 2),
    messagesPerSecond: perSecond(seen.size, elapsedMs),
    requests: latencies.length,
    latency: summarize(latencies),
    statuses,
    closes,
    stalled,
    ok,
  };
}
