/**
 * What an open dashboard costs the stream: the same multipart drain (20,000
 * messages, 6 collectors) with and without 5 dashboards polling
 * GET /api/util/dashboard every 2 s (what each open page does), alternated
 * over ROUNDS so a disturbance of the shared machine hits both sides. Then,
 * untimed, a drain with a real page open in Chromium (when /usr/bin/chromium
 * exists) for docs/dashboard.png.
 *
 *   npm run build && node dist/bench/dashboard-cost.js
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { projectRoot } from '../src/lib/paths.js';
import { measureDrain } from './drain-throughput.js';
import { seed } from './generation-rate.js';
import { Harness, machine } from './harness.js';
import { HttpClient, sleep } from './http-client.js';
import { progress, round, summarize } from './stats.js';

const MESSAGES = 20_000;
const COLLECTORS = 6;
const PAGES = 5;
const POLL_MS = 2000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CHROMIUM = '/usr/bin/chromium';

const randomIspb = () => String(randomInt(10_000_000, 100_000_000));

/** PAGES pollers, each on its own 2-second cycle; returns what they saw when stopped. */
function startPollers(client: HttpClient, pinned: string) {
  let running = true;
  const latencies: number[] = [];
  const snapshots = new Set<string>();
  const poller = async (phaseMs: number) => {
    await sleep(phaseMs);
    while (running) {
      const sent = performance.now();
      const reply = await client.request(`/api/util/dashboard?ispb=${pinned}`);
      if (reply.status !== 200) throw new Error(`dashboard answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      latencies.push(performance.now() - sent);
      snapshots.add(JSON.parse(reply.body).generatedAt);
      await sleep(POLL_MS);
    }
  };
  const all = Promise.all(Array.from({ length: PAGES }, (_, i) => poller((i * POLL_MS) / PAGES)));
  return async () => {
    running = false;
    await all;
    return { requests: latencies.length, databaseReads: snapshots.size, latency: summarize(latencies) };
  };
}

async function drainOnce(client: HttpClient, withDashboard: boolean) {
  const ispb = randomIspb();
  await seed(client, ispb, MESSAGES);
  const stopPollers = withDashboard ? startPollers(client, ispb) : undefined;
  if (stopPollers) await sleep(POLL_MS); // every page polling before the drain starts
  const drain = await measureDrain(client, ispb, MESSAGES, COLLECTORS, true);
  const polling = await stopPollers?.();
  if (!drain.ok) throw new Error(`drain failed: ${JSON.stringify(drain)}`);
  return { withDashboard, messagesPerSecond: drain.messagesPerSecond, seconds: drain.seconds, p99Ms: drain.latency.p99Ms, polling };
}

async function screenshot(client: HttpClient, apiUrl: string): Promise<void> {
  if (!existsSync(CHROMIUM)) return progress(`no ${CHROMIUM}: no screenshot`);
  const ispbs = [randomIspb(), randomIspb(), randomIspb()];
  for (const [i, ispb] of ispbs.entries()) await seed(client, ispb, 30_000 * (i + 1));
  const profile = path.join(projectRoot, '.data', `chromium-${process.pid}`);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 820 });
    await page.goto(`${apiUrl}/dashboard`, { waitUntil: 'load' });
    await measureDrain(client, ispbs[0], 30_000, COLLECTORS, true);
    await sleep(3000);
    const job = await client.request(`/api/util/msgs/${ispbs[2]}/400000`, { method: 'POST' }); // a job in progress
    if (job.status !== 202) throw new Error(`generation answered ${job.status}`);
    await measureDrain(client, ispbs[1], 60_000, COLLECTORS, true);
    await sleep(6000); // the last 5-second bucket completes
    const file = path.join(projectRoot, 'test-results', 'dashboard-bench.png');
    await page.screenshot({ path: file });
    progress(`screenshot: ${file}`);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const harness = new Harness();
  const env = machine();
  process.once('SIGINT', () => void harness.cleanup().then(() => process.exit(130)));
  try {
    env.postgres = await harness.prepareDatabase(env);
    await harness.startApi();
    const client = new HttpClient(harness.apiUrl);
    progress('warm-up drain');
    await drainOnce(client, false);
    const results = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so a trend in the machine's load favours neither side.
      for (const withDashboard of i % 2 === 0 ? [false, true] : [true, false]) results.push(await drainOnce(client, withDashboard));
    }
    for (const r of results) console.log(JSON.stringify(r));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const off = median(results.filter((r) => !r.withDashboard).map((r) => r.messagesPerSecond));
    const on = median(results.filter((r) => r.withDashboard).map((r) => r.messagesPerSecond));
    console.log(`\n${env.cpuModel}, ${env.cores} cores, ${env.postgres.split(' on ')[0]}`);
    console.log(`drain ${MESSAGES} messages, ${COLLECTORS} multipart collectors, median of ${ROUNDS}:`);
    console.log(`  no dashboard:              ${off} msg/s`);
    console.log(`  ${PAGES} dashboards polling 2 s: ${on} msg/s (${round(((on - off) / off) * 100, 1)} %)`);
    if (process.env.SCREENSHOT !== '0') await screenshot(client, harness.apiUrl);
  } finally {
    await harness.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
