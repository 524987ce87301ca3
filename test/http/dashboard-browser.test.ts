/**
 * The dashboard as a person sees it: the real API in-process, headless Chromium
 * (Debian's /usr/bin/chromium, driven by puppeteer-core) on /dashboard. The page
 * shows each ISPB's pending count, then follows a drain within seconds; no
 * console or page error on the way; a settlement shows in the SPI table with
 * both balances. Leaves test-results/dashboard.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { drain } from '../support/collector';
import { Bank } from '../support/spi-bank';
import { randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';
import { systemTool } from '../support/system-tool';

const CHROMIUM = systemTool('/usr/bin/chromium', 'chromium');
const SCREENSHOT = path.resolve(__dirname, '../../test-results/dashboard.png');

interface RowFigures {
  pending: number;
  inFlight: number;
  acknowledged: number;
  streams: number;
}

/** The figures of the ISPB's row as the page shows them (data-value), or null while it has no row. */
function rowFigures(page: Page, ispb: string): Promise<RowFigures | null> {
  return page.evaluate((wanted) => {
    const row = document.querySelector(`#ispbs tr[data-ispb="${wanted}"]`);
    if (!row) return null;
    const value = (field: string) => Number(row.querySelector(`[data-field="${field}"]`)?.getAttribute('data-value'));
    return { pending: value('pending'), inFlight: value('inFlight'), acknowledged: value('acknowledged'), streams: value('streams') };
  }, ispb);
}

async function waitForRow(page: Page, ispb: string, expected: Partial<RowFigures>, timeoutMs: number): Promise<RowFigures> {
  let seen: RowFigures | null = null;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    seen = await rowFigures(page, ispb);
    if (seen && Object.entries(expected).every(([field, value]) => seen![field as keyof RowFigures] === value)) return seen;
  }
  throw new Error(`row ${ispb} never showed ${JSON.stringify(expected)}; last seen ${JSON.stringify(seen)}`);
}

CHROMIUM.describe('GET /dashboard in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let profileDir: string;
  const problems: string[] = [];
  const ispbs = [randomIspb(), randomIspb(), randomIspb()];
  const seeded = [180, 260, 340];

  beforeAll(async () => {
    // JOBS on and a low sync limit: a generation job runs here, so the page has one to show.
    server = await startTestServer({ JOBS: 'on', GENERATE_SYNC_MAX: '1000' });
    for (const [i, ispb] of ispbs.entries()) await seedMessages(server.db, ispb, seeded[i]);
    profileDir = mkdtempSync(path.join(os.tmpdir(), 'pix-dashboard-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM.path,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--user-data-dir=${profileDir}`],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${(err as Error).message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await server?.stop();
  });

  it('shows each ISPB with its pending count, and follows a drain within seconds', async () => {
    await page.goto(`${server.url}/dashboard?ispb=${ispbs.join(',')}`, { waitUntil: 'load' });
    for (const [i, ispb] of ispbs.entries()) {
      expect(await waitForRow(page, ispb, { pending: seeded[i], inFlight: 0, acknowledged: 0 }, 5_000)).toEqual(
        { pending: seeded[i], inFlight: 0, acknowledged: 0, streams: 0 },
      );
    }

    const drained = Date.now();
    const received = await drain(server.url, ispbs[0], { multipart: true });
    expect(received).toHaveLength(seeded[0]);
    await waitForRow(page, ispbs[0], { pending: 0, inFlight: 0, acknowledged: seeded[0], streams: 0 }, 5_000);
    const followedMs = Date.now() - drained;
    console.log(`dashboard followed a drain of ${seeded[0]} messages within ${followedMs} ms of its start`);
    // The others did not move.
    expect(await rowFigures(page, ispbs[1])).toEqual({ pending: seeded[1], inFlight: 0, acknowledged: 0, streams: 0 });

    // Half of the second ISPB, stream left open: in flight and an open stream show too.
    const start = await fetch(`${server.url}/api/pix/${ispbs[1]}/stream/start`, { headers: { accept: 'multipart/json' } });
    expect(start.status).toBe(200);
    await waitForRow(page, ispbs[1], { pending: seeded[1] - 10, inFlight: 10, streams: 1 }, 5_000);

    // A generation job with its progress, and the rate chart drawn once a 5-second bucket completes.
    const job = await fetch(`${server.url}/api/util/msgs/${ispbs[2]}/20000`, { method: 'POST' });
    expect(job.status).toBe(202);
    const { jobId } = (await job.json()) as { jobId: string };
    await page.waitForFunction((id) => document.querySelector(`#jobs tr[data-job="${id}"]`) !== null, { timeout: 10_000 }, jobId);
    await page.waitForFunction(
      (ispb) => (document.querySelector('#rate-chart .u-legend')?.textContent ?? '').includes(ispb),
      { timeout: 15_000 },
      ispbs[0],
    );
    // This job's row: the table lists every recent job of the database, other files' completed ones too.
    await page.waitForFunction((id) => /completed/.test(document.querySelector(`#jobs tr[data-job="${id}"]`)?.textContent ?? ''), { timeout: 60_000 }, jobId);
    await waitForRow(page, ispbs[2], { pending: seeded[2] + 20_000 }, 15_000);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await fetch(`${server.url}/api/pix/${ispbs[1]}/stream/stop`);
    expect(problems).toEqual([]);
  }, 120_000);

  it('shows a settlement in the SPI table: both balances, settled and its latency', async () => {
    const [a, b] = [new Bank(server.url, randomIspb()), new Bank(server.url, randomIspb())];
    const transfer = await a.pay(b.ispb, 250);
    await b.inbox();
    await b.answer(transfer.endToEndId, 'ACSP');
    await page.goto(`${server.url}/dashboard?ispb=${a.ispb},${b.ispb}`, { waitUntil: 'load' });
    const spiRow = (ispb: string) =>
      page.evaluate((wanted) => {
        const row = document.querySelector(`#spi tr[data-ispb="${wanted}"]`);
        const value = (field: string) => row?.querySelector(`[data-field="${field}"]`)?.getAttribute('data-value') ?? null;
        return row ? { balance: value('balance'), settled: value('settled'), latency: value('latencyP50') } : null;
      }, ispb);
    await page.waitForFunction((ispb) => document.querySelector(`#spi tr[data-ispb="${ispb}"] [data-field="settled"]`)?.getAttribute('data-value') === '1', { timeout: 10_000 }, a.ispb);
    expect(await spiRow(a.ispb)).toMatchObject({ balance: '999750.00', settled: '1' });
    expect(await spiRow(b.ispb)).toMatchObject({ balance: '1000250.00', settled: '1' });
    expect(Number((await spiRow(a.ispb))!.latency)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows a capacity rehearsal under way in the rehearsals table', async () => {
    const ispb = randomIspb();
    const started = await fetch(`${server.url}/api/util/rehearsals`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ispb, perMinute: 60, minutes: 1 }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    await page.goto(`${server.url}/dashboard`, { waitUntil: 'load' });
    const state = `#rehearsals tr[data-ispb="${ispb}"] [data-field="state"]`;
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('data-value') === 'running', { timeout: 10_000 }, state);
    expect(await page.$eval(`#rehearsals tr[data-ispb="${ispb}"] td:nth-child(2)`, (td) => td.textContent)).toBe('60/min × 1 min');
    expect((await fetch(`${server.url}/api/util/rehearsals/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(problems).toEqual([]);
  }, 60_000);

  it('counts the faults a participant asked for in the faults table', async () => {
    const ispb = randomIspb();
    const put = await fetch(`${server.url}/api/util/faults/${ispb}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ throttle: { share: 1 } }) });
    expect(put.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // every process reads the faults within 1 s
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/api/v1/out/${ispb}/stream/start`)).status).toBe(429);
    await page.goto(`${server.url}/dashboard`, { waitUntil: 'load' });
    const cell = (field: string) => `#faults tr[data-ispb="${ispb}"] [data-field="${field}"]`;
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('data-value') === '3', { timeout: 10_000 }, cell('throttle'));
    expect(await page.$eval(cell('on'), (td) => td.textContent)).toBe('on');
    expect(await page.$eval(cell('reset'), (td) => td.getAttribute('data-value'))).toBe('0');
    expect(problems).toEqual([]);
  }, 60_000);
});
