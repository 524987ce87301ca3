/**
 * Graceful shutdown of a real API process (node dist/src/main.js): on SIGTERM
 * or SIGINT every waiting long poll is answered at once with 204 + Pull-Next,
 * the process exits 0, and the Pull-Next it handed out carries on elsewhere.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { get } from '../support/collector';
import { randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

const PULL_NEXT = /^\/api\/pix\/\d{8}\/stream\/[0-9a-f-]{36}$/;
/** Long enough that any answer within the test can only come from the shutdown. */
const PATIENT = { LONG_POLL_TIMEOUT_MS: '30000', STREAM_IDLE_TIMEOUT_S: '60' };
// No keep-alive: each long poll on a connection of its own, closed after its answer.
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
// Keep-alive, as real collectors run: the sockets stay open after their answers unless the server closes them.
const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

let db: pg.Pool;
let peer: TestServer; // a second, in-process API on the same database
const processes: ApiProcess[] = [];
beforeAll(async () => {
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  peer = await startTestServer();
});
afterEach(() => {
  for (const api of processes.splice(0)) if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
});
afterAll(async () => {
  agent.destroy();
  keepAliveAgent.destroy();
  await Promise.all([db.end(), peer.stop()]);
});

async function startPatientApi(): Promise<ApiProcess> {
  const api = await startApiProcess(PATIENT);
  processes.push(api);
  return api;
}

interface Answer {
  status: number;
  pullNext: string | undefined;
  at: number;
}

/** A start request; resolves when its answer is complete. Never rejects: a failure is a status 0 answer. */
function startLongPoll(url: string, ispb: string, via = agent): Promise<Answer> {
  return new Promise((resolve) => {
    const fail = () => resolve({ status: 0, pullNext: undefined, at: Date.now() });
    const req = http.get(`${url}/api/pix/${ispb}/stream/start`, { agent: via }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, pullNext: res.headers['pull-next'] as string | undefined, at: Date.now() }));
      res.on('error', fail);
    });
    req.on('error', fail);
  });
}

async function waitForOpenStreams(ispbs: string[], expected: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let open = 0;
  while (Date.now() < deadline) {
    const { rows } = await db.query(`SELECT count(*)::int AS open FROM streams WHERE ispb = ANY ($1) AND status = 'open'`, [ispbs]);
    open = rows[0].open;
    if (open >= expected) return;
    await sleep(50);
  }
  throw new Error(`only ${open} of ${expected} streams opened`);
}

/** The exit code, or 'still running' if the process has not exited within `ms`. */
function exitWithin(api: ApiProcess, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([api.exited, sleep(ms, 'still running' as const, { ref: false })]);
}

/**
 * Opens `perIspb` long polls on each ISPB, waits until they are all waiting,
 * sends the signal; resolves with the answers, each one's delay after the
 * signal, and the exit code.
 */
async function signalWhileWaiting(api: ApiProcess, signal: NodeJS.Signals, ispbs: string[], perIspb: number, via = agent) {
  let answeredEarly = 0;
  const polls = ispbs.flatMap((ispb) =>
    Array.from({ length: perIspb }, () => startLongPoll(api.url, ispb, via).then((answer) => (answeredEarly++, answer))),
  );
  await waitForOpenStreams(ispbs, ispbs.length * perIspb);
  await sleep(500); // past the first (empty) claim: every request is now parked on its long poll
  expect(answeredEarly).toBe(0);

  const signalledAt = Date.now();
  api.child.kill(signal);
  const answers = await Promise.all(polls);
  const delays = answers.map((answer) => answer.at - signalledAt);
  const exitCode = await exitWithin(api, 10_000);
  return { answers, delays, exitCode, exitedAfterMs: Date.now() - signalledAt };
}

describe('SIGTERM', () => {
  it('answers 20 waiting long polls at once with 204 + Pull-Next and exits 0', async () => {
    const api = await startPatientApi();
    const ispbs = Array.from({ length: 4 }, randomIspb); // 4 ISPBs x 5 collectors
    const { answers, delays, exitCode, exitedAfterMs } = await signalWhileWaiting(api, 'SIGTERM', ispbs, 5);
    console.log(`shutdown: 20 long polls answered ${Math.min(...delays)}-${Math.max(...delays)} ms after SIGTERM; exit ${exitCode} after ${exitedAfterMs} ms`);

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(204));
    for (const [index, answer] of answers.entries()) {
      expect(answer.pullNext).toMatch(PULL_NEXT);
      expect(answer.pullNext).toContain(`/api/pix/${ispbs[Math.floor(index / 5)]}/stream/`);
    }
    expect(new Set(answers.map((answer) => answer.pullNext)).size).toBe(20);
    expect(Math.max(...delays)).toBeLessThan(5000);
    expect(exitCode).toBe(0);
  }, 60_000);

  it('exits in under a second when the waiting collectors hold keep-alive connections', async () => {
    const api = await startPatientApi();
    const ispbs = Array.from({ length: 2 }, randomIspb);
    const { answers, exitCode, exitedAfterMs } = await signalWhileWaiting(api, 'SIGTERM', ispbs, 3, keepAliveAgent);
    console.log(`shutdown with keep-alive collectors: exit ${exitCode} after ${exitedAfterMs} ms`);
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(204));
    expect(exitCode).toBe(0);
    // SHUTDOWN_TIMEOUT_MS is 5000 here: an exit that waited for it would take over 5 s.
    expect(exitedAfterMs).toBeLessThan(1000);
  }, 60_000);

  it('hands out a Pull-Next that another API process continues: no 404, no 410', async () => {
    const api = await startPatientApi();
    const ispb = randomIspb();
    const { answers, exitCode } = await signalWhileWaiting(api, 'SIGTERM', [ispb], 1);
    expect(exitCode).toBe(0);
    expect(answers[0].status).toBe(204);
    expect(answers[0].pullNext).toMatch(PULL_NEXT);

    // The stream is still open after the shutdown; a message arriving meanwhile goes to it via the other process.
    const { rows } = await db.query(`SELECT status FROM streams WHERE ispb = $1`, [ispb]);
    expect(rows).toEqual([{ status: 'open' }]);
    await seedMessages(peer.db, ispb, 1);
    const next = await get(peer.url, answers[0].pullNext!);
    expect(next.status).toBe(200);
    expect(next.messages.map((message) => message.recebedor.ispb)).toEqual([ispb]);
    expect(next.pullNext).toMatch(PULL_NEXT);
  }, 60_000);
});

describe('SIGINT', () => {
  it('shuts down the same way: waiting long polls get 204 + Pull-Next, exit code 0', async () => {
    const api = await startPatientApi();
    const ispbs = Array.from({ length: 3 }, randomIspb);
    const { answers, delays, exitCode } = await signalWhileWaiting(api, 'SIGINT', ispbs, 1);
    expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204]);
    for (const answer of answers) expect(answer.pullNext).toMatch(PULL_NEXT);
    expect(Math.max(...delays)).toBeLessThan(5000);
    expect(exitCode).toBe(0);
  }, 60_000);
});
