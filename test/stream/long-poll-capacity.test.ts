/**
 * Capacity of one API process (node dist/src/main.js, DB_POOL_MAX 10): 1,000
 * concurrent long polls wait without holding pool connections, all answer 204
 * + Pull-Next (no 503 from an exhausted pool), and 200 clients hanging up
 * mid-wait leave nothing behind: no wait outlives its client, no slot stays
 * taken. Logs the RSS and timings for the README.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { randomIspb } from '../support/factories';

const POOL_MAX = 10;
const LONG_POLL_MS = 3000;
const PULL_NEXT = /^\/api\/pix\/\d{8}\/stream\/[0-9a-f-]{36}$/;
// One connection per request, no pooling limit: the 1,000 requests really are concurrent.
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

let api: ApiProcess;
let db: pg.Pool;
beforeAll(async () => {
  // LOG_LEVEL error: every request that fails with a 5xx is logged, so the output shows any we did not see.
  api = await startApiProcess({ LONG_POLL_TIMEOUT_MS: String(LONG_POLL_MS), DB_POOL_MAX: String(POOL_MAX), LOG_LEVEL: 'error' });
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
});
afterAll(async () => {
  agent.destroy();
  await api.stop();
  await db.end();
});

/** n distinct random ISPBs. */
function distinctIspbs(n: number): string[] {
  const ispbs = new Set<string>();
  while (ispbs.size < n) ispbs.add(randomIspb());
  return [...ispbs];
}

interface Answer {
  status: number; // 0: no answer (connection error, or we hung up)
  pullNext?: string;
  ms: number;
}

/** GET start on the ISPB; `hangUpAfterMs` destroys the request that long after sending it. */
function start(ispb: string, hangUpAfterMs?: number): Promise<Answer> {
  const sentAt = Date.now();
  return new Promise((resolve) => {
    const done = (status: number, pullNext?: string) => resolve({ status, pullNext, ms: Date.now() - sentAt });
    const req = http.get(`${api.url}/api/pix/${ispb}/stream/start`, { agent }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode!, res.headers['pull-next'] as string | undefined));
      res.on('error', () => done(0));
    });
    req.on('error', () => done(0));
    if (hangUpAfterMs !== undefined) setTimeout(() => req.destroy(), hangUpAfterMs);
  });
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return Math.round(kb / 102.4) / 10;
}

/** Local ports of the process's TCP connections to PostgreSQL (from /proc: its socket inodes, matched in /proc/net/tcp). */
function databasePorts(pid: number): number[] {
  const dbPort = Number(new URL(process.env.DATABASE_URL!).port);
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      const target = (() => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ''; } })(); // prettier-ignore
      return /^socket:\[(\d+)\]$/.exec(target)?.[1] ?? [];
    }),
  );
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8').split('\n').slice(1).flatMap((line) => {
      const [, local, remote, , , , , , , inode] = line.trim().split(/\s+/);
      if (!inode || !inodes.has(inode) || parseInt(remote.split(':')[1], 16) !== dbPort) return [];
      return [parseInt(local.split(':')[1], 16)];
    }),
  );
}

async function openStreams(ispbs: string[]): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = ANY ($1) AND status = 'open'`, [ispbs]);
  return rows[0].open;
}

it('1,000 concurrent long polls (200 ISPBs x 5) all answer 204 + Pull-Next, within the pool', async () => {
  const pid = api.child.pid!;
  const rssBefore = rssMb(pid);
  const ispbs = distinctIspbs(200);
  const startedAt = Date.now();
  const polls = ispbs.flatMap((ispb) => Array.from({ length: 5 }, () => start(ispb)));

  // Sample while they wait: once every stream is open (or at the latest when the first long polls end).
  let opened = 0;
  while ((opened = await openStreams(ispbs)) < 1000 && Date.now() - startedAt < LONG_POLL_MS) await sleep(100);
  const allOpenMs = Date.now() - startedAt;
  const rssWaiting = rssMb(pid);
  const ports = databasePorts(pid);
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE client_port = ANY ($1)`, [ports]);

  const answers = await Promise.all(polls);
  const allAnsweredMs = Date.now() - startedAt;
  const statuses = answers.reduce<Record<number, number>>((count, { status }) => ({ ...count, [status]: (count[status] ?? 0) + 1 }), {});
  const slowest = Math.max(...answers.map((answer) => answer.ms));
  console.log(
    `capacity: 1000 long polls (LONG_POLL_TIMEOUT_MS ${LONG_POLL_MS}, DB_POOL_MAX ${POOL_MAX}): all answered after ${allAnsweredMs} ms ` +
      `(slowest ${slowest} ms; statuses ${JSON.stringify(statuses)}); RSS ${rssBefore} MB idle, ${rssWaiting} MB with 1000 waiting; ` +
      `${ports.length} database connections (${rows[0].n} in pg_stat_activity); ${opened} streams open after ${allOpenMs} ms`,
  );

  expect(statuses).toEqual({ 204: 1000 });
  expect(answers.every((answer) => PULL_NEXT.test(answer.pullNext ?? ''))).toBe(true);
  expect(new Set(answers.map((answer) => answer.pullNext)).size).toBe(1000);
  expect(allAnsweredMs).toBeLessThan(20_000);
  // Bounded by the pool, not by the waiters: DB_POOL_MAX + the LISTEN connection + pg-boss's own pool (max 3,
  // started even with JOBS=off since every process may enqueue generation jobs).
  expect(ports.length).toBeLessThanOrEqual(POOL_MAX + 1 + 3);
  expect(rows[0].n).toBeLessThanOrEqual(POOL_MAX + 1 + 3); // the same backends, as PostgreSQL counts them
  expect(api.output()).not.toMatch(/"level":50/); // nothing failed with a 5xx
}, 60_000);

it('200 clients hanging up mid-wait leave the process healthy, their waits ended and their streams closed', async () => {
  const ispbs = distinctIspbs(40);
  const answers = await Promise.all(ispbs.flatMap((ispb) => Array.from({ length: 5 }, () => start(ispb, 300))));
  expect(answers.filter((answer) => answer.status !== 0)).toEqual([]); // all hung up before any answer

  const health = await fetch(`${api.url}/health`, { signal: AbortSignal.timeout(5000) });
  expect(health.status).toBe(200);
  // A fresh stream still gets a normal long poll: 204 + Pull-Next after about LONG_POLL_TIMEOUT_MS.
  const fresh = await start(randomIspb());
  expect(fresh.status).toBe(204);
  expect(fresh.pullNext).toMatch(PULL_NEXT);
  expect(fresh.ms).toBeGreaterThanOrEqual(LONG_POLL_MS - 100);

  // Past their deadline: a wait that outlived its client would have recorded a final (empty) iteration.
  // A start abandoned before its first answer has no Pull-Next to close with: the server closes it, freeing the slot.
  const { rows } = await db.query(
    `SELECT count(DISTINCT s.id)::int AS streams, count(i.id)::int AS iterations, count(*) FILTER (WHERE s.status = 'open')::int AS open
       FROM streams s JOIN iterations i ON i.stream_id = s.id WHERE s.ispb = ANY ($1)`,
    [ispbs],
  );
  expect(rows[0]).toEqual({ streams: 200, iterations: 200, open: 0 });
  console.log(`capacity: after 200 hang-ups RSS ${rssMb(api.child.pid!)} MB, a fresh long poll answered 204 in ${fresh.ms} ms`);
  expect(api.output()).not.toMatch(/"level":50/);
}, 60_000);
