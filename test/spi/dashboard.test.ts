/**
 * The SPI on the dashboard's JSON (GET /api/util/dashboard, spi): per
 * participant its reserve balance and the last minute's decisions — settled
 * with their latency, rejections by reason, AB03 apart — counted on both
 * sides of each instruction, and the pinned participants first; and the same
 * decisions counted on /metrics.
 */
import { timeOut } from '../support/spi-deadlines';
import { randomIspb } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { Bank } from '../support/spi-bank';
import { startTestServer, type TestServer } from '../support/server';

// A database of its own: on the suite's, busier participants of other files crowd a and b out of the table's page.
let own: OwnDatabase;
let server: TestServer;
beforeAll(async () => {
  own = await ownDatabase('spi-dashboard');
  server = await startTestServer({ DATABASE_URL: own.url, LONG_POLL_TIMEOUT_MS: '300', SPI_SETTLEMENT_TIMEOUT_S: '2' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await own?.release();
});

interface SpiRow {
  ispb: string;
  balance: string | null;
  settled: number;
  settledPerSecond: number;
  rejections: Record<string, number>;
  ab03: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

async function spiRows(pinned: string[]): Promise<{ windowSeconds: number; participants: SpiRow[] }> {
  // The dashboard shares one read for a second: wait it out so the figures are this moment's.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const res = await fetch(`${server.url}/api/util/dashboard?ispb=${pinned.join(',')}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { spi: { windowSeconds: number; participants: SpiRow[] } }).spi;
}

/** A sample of /metrics (0 when the series is not there yet). */
async function sample(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
const SETTLED = ['pix_stream_spi_instructions_decided_total', '{outcome="settled",reason="none"}'] as const;
const AC03 = ['pix_stream_spi_instructions_decided_total', '{outcome="rejected",reason="AC03"}'] as const;

it('shows balances, settled, rejections by reason and AB03, with settlement latency, for payer and receiver alike', async () => {
  const [a, b, quiet] = [new Bank(server.url, randomIspb()), new Bank(server.url, randomIspb()), randomIspb()];
  const before = { settled: await sample(...SETTLED), ac03: await sample(...AC03), observed: await sample('pix_stream_spi_settlement_seconds_count') };
  const settled = [await a.pay(b.ispb, 100), await a.pay(b.ispb, 20.5)];
  const refused = await a.pay(b.ispb, 7);
  const unanswered = await a.pay(b.ispb, 3);
  await b.inbox();
  for (const t of settled) await b.answer(t.endToEndId, 'ACSP');
  await b.answer(refused.endToEndId, 'RJCT', 'AC03');
  await new Promise((resolve) => setTimeout(resolve, 2200));
  await timeOut(server.db, [unanswered.endToEndId]);
  // Counted once each, after their transaction committed (other tests of this file run one after the other).
  expect(await sample(...SETTLED)).toBe(before.settled + 2);
  expect(await sample(...AC03)).toBe(before.ac03 + 1);
  expect(await sample('pix_stream_spi_settlement_seconds_count')).toBe(before.observed + 2);
  expect(await sample('pix_stream_spi_pending_instructions')).toBeGreaterThanOrEqual(0);
  expect(await sample('pix_stream_spi_reserves_brl')).toBeGreaterThan(0);

  const spi = await spiRows([quiet, b.ispb, a.ispb]);
  expect(spi.windowSeconds).toBe(60);
  // Pinned first, in the order asked; a participant never seen has no balance and no decisions.
  expect(spi.participants.slice(0, 3).map((p) => p.ispb)).toEqual([quiet, b.ispb, a.ispb]);
  const [none, atB, atA] = spi.participants;
  expect(none).toEqual({ ispb: quiet, balance: null, settled: 0, settledPerSecond: 0, rejections: {}, ab03: 0, latencyP50Ms: null, latencyP95Ms: null });
  expect(atA).toMatchObject({ balance: '999879.50', settled: 2, rejections: { AC03: 1, AB03: 1 }, ab03: 1 });
  expect(atB).toMatchObject({ balance: '1000120.50', settled: 2, rejections: { AC03: 1, AB03: 1 }, ab03: 1 });
  expect(atA!.settledPerSecond).toBe(Math.round((2 / 60) * 10) / 10);
  // Accepted → settled: after the receiver's inbox and answer, within the test's few seconds.
  expect(atA!.latencyP50Ms).toBeGreaterThan(0);
  expect(atA!.latencyP95Ms).toBeGreaterThanOrEqual(atA!.latencyP50Ms!);
  expect(atA!.latencyP95Ms).toBeLessThan(10_000);
});

it('lists the participants that moved without being pinned', async () => {
  const [a, b] = [new Bank(server.url, randomIspb()), new Bank(server.url, randomIspb())];
  const t = await a.pay(b.ispb, 1);
  await b.inbox();
  await b.answer(t.endToEndId, 'ACSP');
  const shown = (await spiRows([])).participants.map((p) => p.ispb);
  expect(shown).toEqual(expect.arrayContaining([a.ispb, b.ispb]));
});
