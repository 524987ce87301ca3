/**
 * The same multipart drain as drain-throughput.ts, by pix-stream's own
 * clients, to be judged against Node's fetch in the same run:
 *   library  6 streams of src/client (openStream) in this process, each batch
 *            taken as a consumer would (the library parses it), until the
 *            union of what they handed out reaches the seeded count; then
 *            each stream is closed (DELETE of its newest Pull-Next)
 *   cli      `pix-stream collect --multipart -c 6 --out <file>` as a child
 *            process (its CPU shows as "other"), writing every message to a
 *            file; once the database shows nothing of the ISPB pending and
 *            nothing in flight (every batch received and acknowledged by the
 *            collector's next long poll), SIGINT, which closes its streams;
 *            its rate is the one it prints (messages over the time to the
 *            last one), and its output file is counted
 * Rate, as for fetch: unique messages / (first request -> last message).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { openStream, type ChallengeMessage, type IcomMessage } from '../src/client/index.js';
import { projectRoot } from '../src/lib/paths.js';
import { cpu } from './cpu-split.js';
import type { DrainResult } from './drain-throughput.js';
import { sleep } from './http-client.js';
import { perSecond, progress, round, summarize } from './stats.js';

type Face = 'challenge' | 'icom';
const STALL_MS = 40_000;

function result(client: string, face: Face, seeded: number, collectors: number, unique: number, received: number, elapsedMs: number, stalled: boolean, extra: Partial<DrainResult> = {}): DrainResult {
  return {
    client,
    face,
    collectors,
    multipart: true,
    seeded,
    received,
    unique,
    duplicates: received - unique,
    seconds: round(elapsedMs / 1000, 2),
    messagesPerSecond: perSecond(unique, elapsedMs),
    requests: 0,
    latency: summarize([]),
    statuses: {},
    closes: {},
    stalled,
    ok: !stalled && unique === seeded && received === unique,
    ...extra,
  };
}

export async function measureLibraryDrain(baseUrl: string, ispb: string, seeded: number, collectors: number, face: Face): Promise<DrainResult> {
  progress(`drain (${face}, pix-stream/client): ${collectors} streams, multipart, ${seeded} messages`);
  const stop = new AbortController();
  const seen = new Set<string>();
  let received = 0;
  let lastMessageAt = 0;
  let lastProgressAt = performance.now();
  let stalled = false;
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgressAt > STALL_MS) {
      stalled = true;
      stop.abort();
    }
  }, 1000);
  const idOf = face === 'icom' ? (m: unknown) => (m as IcomMessage).resourceId : (m: unknown) => (m as ChallengeMessage).endToEndId;
  const closes: Record<string, number> = {};
  const one = async () => {
    const stream = openStream({ baseUrl, ispb, face, multipart: true, signal: stop.signal });
    for await (const batch of stream) {
      for (const message of batch.messages) seen.add(idOf(message));
      received += batch.messages.length;
      if (batch.messages.length > 0) lastMessageAt = lastProgressAt = performance.now();
      if (seen.size >= seeded) stop.abort();
    }
    const outcome = await stream.close();
    closes[outcome] = (closes[outcome] ?? 0) + 1;
  };
  const span = cpu.span(`drain ${face} ${collectors}x multipart (pix-stream/client)`);
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: collectors }, one));
  } finally {
    span.end();
    clearInterval(watchdog);
  }
  const drain = result('pix-stream/client', face, seeded, collectors, seen.size, received, lastMessageAt - started, stalled, { closes });
  drain.ok &&= Object.keys(closes).every((outcome) => outcome === 'closed');
  return drain;
}

/** Nothing of `ispb` pending, and no open stream of it holding an unacknowledged batch. */
async function drainedAndAcknowledged(db: pg.Client, ispb: string): Promise<boolean> {
  const pending = await db.query(`SELECT EXISTS (SELECT 1 FROM deliveries WHERE receiver_ispb = $1 AND iteration_id IS NULL) AS any`, [ispb]);
  if (pending.rows[0].any) return false;
  const inFlight = await db.query(
    `SELECT EXISTS (SELECT 1 FROM iterations i JOIN streams s ON s.id = i.stream_id
                     WHERE s.ispb = $1 AND s.status = 'open' AND i.acked_at IS NULL AND cardinality(i.message_ids) > 0) AS any`,
    [ispb],
  );
  return !inFlight.rows[0].any;
}

/** `label  value` lines of the CLI's summary. */
function summaryValue(summary: string, label: string): string | undefined {
  return new RegExp(`^${label}\\s+(.+)$`, 'm').exec(summary)?.[1];
}
const number = (text: string | undefined) => (text === undefined ? NaN : Number(text.replace(/,/g, '').split(' ')[0]));

export async function measureCliDrain(db: pg.Client, baseUrl: string, ispb: string, seeded: number, collectors: number, face: Face): Promise<DrainResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pix-bench-cli-'));
  const out = path.join(dir, 'messages.out');
  const args = ['collect', '--ispb', ispb, '--multipart', '-c', String(collectors), '--base-url', baseUrl, '--out', out, ...(face === 'icom' ? ['--icom'] : [])];
  progress(`drain (${face}, pix-stream collect): ${collectors} collectors, multipart, ${seeded} messages, into a file`);
  const span = cpu.span(`drain ${face} ${collectors}x multipart (pix-stream collect: in "other")`);
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'src', 'cli', 'main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  let stalled = false;
  try {
    const deadline = performance.now() + 600_000;
    let running = true;
    void exited.then(() => (running = false));
    while (running && !(await drainedAndAcknowledged(db, ispb))) {
      if (performance.now() > deadline) {
        stalled = true;
        break;
      }
      await sleep(200);
    }
    child.kill('SIGINT');
    const code = await exited;
    span.end();
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    const unique = face === 'icom' ? lines.length : new Set(lines.map((line) => (JSON.parse(line) as ChallengeMessage).endToEndId)).size;
    const printedRate = number(summaryValue(stdout, 'rate'));
    const printedTotal = number(summaryValue(stdout, 'messages'));
    const elapsedMs = (printedTotal / printedRate) * 1000;
    const drain = result('pix-stream collect', face, seeded, collectors, unique, lines.length, elapsedMs, stalled, {
      closes: { [summaryValue(stdout, 'streams') ?? '?']: collectors },
    });
    drain.messagesPerSecond = round(printedRate);
    drain.ok &&= code === 0 && printedTotal === seeded && /^6 closed$|^\d+ closed$/.test(summaryValue(stdout, 'streams') ?? '');
    if (!drain.ok) progress(`pix-stream collect: exit ${code}\n${stdout}\n${stderr}`);
    return drain;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
