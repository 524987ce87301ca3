/**
 * `pix-stream flow` end to end: the compiled CLI as a child process against
 * the real API in-process. The summary must match what the database counts:
 * every transfer and every report acknowledged once, no stream left open;
 * a second run with the same ISPBs works the same; a transfer another
 * collector takes is reported missing (exit 1). `npm test` builds dist/ first.
 */
import { randomIspb } from '../support/factories';
import { icomDrain } from '../support/icom-client';
import { runCli, type Finished } from '../support/cli-process';
import { startTestServer, type TestServer } from '../support/server';




/** Exit code check that shows the CLI's output when it fails. */
function expectExit(run: Finished, code: number): void {
  if (run.code !== code) throw new Error(`exit code ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}

function twoIspbs(): [string, string] {
  const a = randomIspb();
  let b = randomIspb();
  while (b === a) b = randomIspb();
  return [a, b];
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '300' });
});
afterAll(() => server.stop());

interface DeliveryCount {
  receiver_ispb: string;
  state: string;
  n: number;
}

async function deliveries(ispbs: string[]): Promise<DeliveryCount[]> {
  const { rows } = await server.db.query<DeliveryCount>(
    `SELECT receiver_ispb, state, count(*)::int AS n FROM message_delivery WHERE receiver_ispb = ANY ($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
    [ispbs],
  );
  return rows;
}

async function openStreams(ispbs: string[]): Promise<number> {
  const { rows } = await server.db.query(`SELECT count(*)::int AS n FROM streams WHERE ispb = ANY ($1::text[]) AND status = 'open'`, [ispbs]);
  return rows[0].n;
}

it('300 transfers with a tenth rejected: each delivered and reported once, all acknowledged; a second run with the same ISPBs too', async () => {
  const [a, b] = twoIspbs();
  const args = ['flow', '--payer', a, '--receiver', b, '--count', '300', '--reject-share', '0.1', '--idle-exit', '10', '--base-url', server.url];

  const first = await runCli(args);

  expectExit(first, 0);
  expect(first.stdout).toMatch(new RegExp(`^pix-stream flow: ${a} pays ${b}, 300 transfers, 30 to be rejected \\(AM04\\): complete$`, 'm'));
  expect(first.stdout).toMatch(/^transfers\s+300 posted in 30 requests, 300 delivered, 0 missing, \d+ duplicates, 0 doubled$/m);
  expect(first.stdout).toMatch(/^reports\s+300 answered, 300 received \(270 ACSC, 30 RJCT\), 0 missing, \d+ duplicates, 0 doubled$/m);
  expect(first.stdout).toMatch(new RegExp(`^settled\\s+270 settled, 270 confirmed to ${b} \\(ACCC\\)$`, 'm'));
  for (const row of ['posted → accepted', 'posted → delivered', 'posted → reported']) {
    expect(first.stdout).toMatch(new RegExp(`^  ${row}\\s+(\\d+\\.\\d\\s+){3}\\d+\\.\\d$`, 'm'));
  }
  expect(first.stdout).not.toMatch(/FAILED/);
  const sorted = (rows: DeliveryCount[]) => [...rows].sort((x, y) => x.receiver_ispb.localeCompare(y.receiver_ispb));
  // B has its 300 transfers and the SPI's 270 confirmations (ACCC), A its 300 reports (ACSC or RJCT).
  expect(await deliveries([a, b])).toEqual(sorted([
    { receiver_ispb: a, state: 'acknowledged', n: 300 },
    { receiver_ispb: b, state: 'acknowledged', n: 570 },
  ]));
  expect(await openStreams([a, b])).toBe(0);

  // Again, same ISPBs, other ways of posting: gzip, 7 per request (43 requests), one in flight; the summary as JSON.
  const second = await runCli([...args, '--gzip', '--batch', '7', '--concurrency', '1', '--collectors', '3', '--json']);

  expectExit(second, 0);
  const summary = JSON.parse(second.stdout);
  expect(summary).toMatchObject({
    payer: a,
    receiver: b,
    outcome: 'complete',
    ok: true,
    problems: [],
    transfers: { count: 300, posted: 300, requests: 43, delivered: 300, missing: 0, doubled: 0 },
    reports: { answered: 300, received: 300, acsp: 0, acsc: 270, rjct: 30, confirmed: 270, rejectReason: 'AM04', missing: 0, doubled: 0, mismatched: 0 },
    refusals: 0,
    other: { atReceiver: 0, atPayer: 0 },
  });
  for (const stats of Object.values(summary.latencyMs) as Record<string, number>[]) {
    expect(stats.p50).toBeGreaterThan(0);
    expect(stats.p50).toBeLessThanOrEqual(stats.p90);
    expect(stats.p90).toBeLessThanOrEqual(stats.p99);
    expect(stats.p99).toBeLessThanOrEqual(stats.max);
  }
  expect(summary.latencyMs.delivered.p50).toBeLessThanOrEqual(summary.latencyMs.reported.p50);
  expect(summary.perSecond.reported).toBeGreaterThan(0);
  expect(await deliveries([a, b])).toEqual(sorted([
    { receiver_ispb: a, state: 'acknowledged', n: 600 },
    { receiver_ispb: b, state: 'acknowledged', n: 1140 },
  ]));
  expect(await openStreams([a, b])).toBe(0);
}, 120_000);

it('transfers another collector of the receiver takes are missing: summary says which, exit 1 after the idle timeout', async () => {
  const [a, b] = twoIspbs();
  // A collector of B's outside the rehearsal, already waiting: it wins some of the 30 transfers (one per post).
  const thief = icomDrain(server.url, b, { multipart: true, emptyPolls: 15 });

  const run = await runCli(['flow', '--payer', a, '--receiver', b, '--count', '30', '--batch', '1', '--concurrency', '1', '--collectors', '2', '--idle-exit', '4', '--json', '--base-url', server.url]);

  // It takes transfers (never answered: their reports would be AB03s, after the run) and confirmations of answered ones.
  const taken = await thief;
  const stolen = taken.filter((m) => m.xml.includes('FIToFICstmrCdtTrf')).length;
  const confirmationsStolen = taken.length - stolen;
  expect(stolen).toBeGreaterThan(0);
  expectExit(run, 1);
  const summary = JSON.parse(run.stdout);
  expect(summary).toMatchObject({
    outcome: 'idle',
    ok: false,
    transfers: { posted: 30, delivered: 30 - stolen, missing: stolen },
    reports: { received: 30 - stolen, missing: stolen, acsc: 30 - stolen, confirmed: 30 - stolen - confirmationsStolen },
  });
  expect(summary.problems).toEqual([
    `${stolen} transfer(s) not delivered to ${b}`,
    `${stolen} report(s) not received by ${a}`,
    ...(confirmationsStolen > 0 ? [`${confirmationsStolen} settled transfer(s) not confirmed (ACCC) to ${b}`] : []),
  ]);
}, 60_000);

describe('arguments', () => {
  const ok = ['--payer', '11112222', '--receiver', '22223333', '--count', '10'];
  it.each([
    [['flow', '--receiver', '22223333', '--count', '10'], /--payer is required/],
    [['flow', '--payer', '11112222', '--count', '10'], /--receiver is required/],
    [['flow', '--payer', '1111222A', '--receiver', '22223333', '--count', '10'], /--payer must be exactly 8 digits/],
    [['flow', '--payer', '11112222', '--receiver', '11112222', '--count', '10'], /--payer and --receiver must be different/],
    [['flow', '--payer', '11112222', '--receiver', '22223333'], /--count is required/],
    [['flow', ...ok.slice(0, 4), '--count', '0'], /--count must be an integer from 1 to 1,000,000/],
    [['flow', ...ok, '--reject-share', '1.5'], /--reject-share must be a number from 0 to 1/],
    [['flow', ...ok, '--reject-share', '1e-1'], /--reject-share must be a number/],
    [['flow', ...ok, '--reject-reason', 'am04'], /--reject-reason must be a status reason code/],
    [['flow', ...ok, '--batch', '11'], /--batch must be an integer from 1 to 10/],
    [['flow', ...ok, '--concurrency', '0'], /--concurrency must be an integer/],
    [['flow', ...ok, '--idle-exit', '0'], /--idle-exit must be a number above 0/],
    [['flow', ...ok, '--base-url', 'ftp://x'], /--base-url must be http/],
    [['flow', ...ok, '--icom'], /Unknown option '--icom'/],
  ])('%j exits 2 with a message on stderr', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/pix-stream flow --help/);
    expect(run.stdout).toBe('');
  });

  it('flow --help and help flow print its usage and exit 0', async () => {
    for (const args of [['flow', '--help'], ['help', 'flow']]) {
      const run = await runCli(args);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/Usage: pix-stream flow --payer <ispb> --receiver <ispb> --count <n>/);
      expect(run.stdout).toMatch(/--reject-share/);
    }
    const main = await runCli(['--help']);
    expect(main.stdout).toMatch(/^ {2}flow {7}rehearse payer → receiver over ICOM/m);
  });
});
