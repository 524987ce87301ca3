/**
 * GET /api/util/dashboard and the page's files: the counts it reads without
 * counting messages agree with the messages themselves (view message_delivery)
 * through every way a message moves; answers are shared for a second; read-only
 * methods and bad input as on every other route.
 */
import request from 'supertest';
import { DashboardReader, DASHBOARD_DEFAULTS, type IspbCounts } from '../../src/inspection/dashboard';
import { get } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let reader: DashboardReader;
beforeAll(async () => {
  server = await startTestServer();
  reader = new DashboardReader(server.db, { ...DASHBOARD_DEFAULTS, cacheMs: 0 });
});
afterAll(() => server.stop());

async function dashboardCounts(ispb: string): Promise<Omit<IspbCounts, 'ispb'>> {
  const found = (await reader.read()).ispbs.find((counts) => counts.ispb === ispb);
  return { pending: found?.pending ?? 0, inFlight: found?.inFlight ?? 0, acknowledged: found?.acknowledged ?? 0, openStreams: found?.openStreams ?? 0 };
}

/** The dashboard's figures equal a count of the messages themselves. */
async function expectInStep(ispb: string, expected: Omit<IspbCounts, 'ispb'>) {
  const counted = await messageCounts(server.db, ispb);
  // The count reads deliveries directly (count-messages.ts); the view is the definition it must agree with.
  const { rows } = await server.db.query(
    `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending, count(*) FILTER (WHERE state = 'in_flight')::int AS "inFlight",
            count(*) FILTER (WHERE state = 'acknowledged')::int AS acknowledged FROM message_delivery WHERE receiver_ispb = $1`,
    [ispb],
  );
  expect(rows[0]).toEqual({ pending: counted.pending, inFlight: counted.inFlight, acknowledged: counted.acked });
  expect({ pending: counted.pending, inFlight: counted.inFlight, acknowledged: counted.acked }).toEqual({
    pending: expected.pending,
    inFlight: expected.inFlight,
    acknowledged: expected.acknowledged,
  });
  expect(await dashboardCounts(ispb)).toEqual(expected);
}

it('keeps pending, in flight and acknowledged in step with the messages through pulls, DELETE, stop and deletes', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 45);
  await expectInStep(ispb, { pending: 45, inFlight: 0, acknowledged: 0, openStreams: 0 });

  const first = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
  await expectInStep(ispb, { pending: 35, inFlight: 10, acknowledged: 0, openStreams: 1 });
  const second = await get(server.url, first.pullNext!, 'multipart/json');
  await get(server.url, first.pullNext!, 'multipart/json'); // a replay acknowledges nothing more
  await expectInStep(ispb, { pending: 25, inFlight: 10, acknowledged: 10, openStreams: 1 });
  await get(server.url, second.pullNext!, 'multipart/json', 'DELETE');
  await expectInStep(ispb, { pending: 25, inFlight: 0, acknowledged: 20, openStreams: 0 });

  // A second stream, one message at a time, then stopped: its unacknowledged message goes back to pending.
  const single = await get(server.url, `/api/pix/${ispb}/stream/start`);
  await get(server.url, single.pullNext!);
  await expectInStep(ispb, { pending: 23, inFlight: 1, acknowledged: 21, openStreams: 1 });
  await get(server.url, `/api/pix/${ispb}/stream/stop`);
  await expectInStep(ispb, { pending: 24, inFlight: 0, acknowledged: 21, openStreams: 0 });

  // Rows deleted (as the demo seeders' undo does): both kinds leave the counts.
  await server.db.query(
    `DELETE FROM messages WHERE id IN (
       (SELECT id FROM message_delivery WHERE receiver_ispb = $1 AND state = 'pending' LIMIT 3)
       UNION ALL
       (SELECT id FROM message_delivery WHERE receiver_ispb = $1 AND state = 'acknowledged' LIMIT 2))`,
    [ispb],
  );
  await expectInStep(ispb, { pending: 21, inFlight: 0, acknowledged: 19, openStreams: 0 });
});

it('shares one read between dashboards for a second, and charts what was delivered', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 30);
  const first = await get(server.url, `/api/util/dashboard?ispb=${ispb}`);
  const second = await get(server.url, `/api/util/dashboard?ispb=${ispb}`);
  expect(second.body).toEqual(first.body);
  const body = first.body as { buckets: number[]; bucketSeconds: number; ispbs: { ispb: string; deliveries: { perSecond: number[] } }[] };
  expect(body.ispbs[0].ispb).toBe(ispb); // pinned first
  expect(body.buckets).toHaveLength(300 / body.bucketSeconds);
  expect(body.ispbs[0].deliveries.perSecond).toHaveLength(body.buckets.length);

  const start = await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
  await get(server.url, start.pullNext!, 'multipart/json', 'DELETE');
  // Once the bucket of those deliveries is complete, the chart holds 10 messages for it.
  for (const deadline = Date.now() + 12_000; ; ) {
    const snapshot = await reader.read();
    const delivered = snapshot.deliveries.filter((b) => b.ispb === ispb).reduce((sum, b) => sum + b.delivered, 0);
    if (delivered === 10) {
      expect(snapshot.deliveries.find((b) => b.ispb === ispb)!.latencyP50Ms).toBeGreaterThanOrEqual(0);
      break;
    }
    if (Date.now() > deadline) throw new Error(`deliveries never showed 10 messages (saw ${delivered})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

it('is read-only: HEAD as GET, OPTIONS lists the methods, others 405; a bad ispb list is a 400', async () => {
  for (const path of ['/api/util/dashboard', '/dashboard']) {
    await request(server.url).head(path).expect(200);
    const options = await request(server.url).options(path).expect(204);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect((await get(server.url, path, undefined, 'POST')).status).toBe(405);
  }
  for (const bad of ['abc', '1234567', '12345678,x', Array.from({ length: 21 }, () => randomIspb()).join(',')]) {
    const reply = await get(server.url, `/api/util/dashboard?ispb=${bad}`);
    expect(reply.status).toBe(400);
  }
});

it('serves the page, its script and uPlot from this process (nothing from elsewhere)', async () => {
  const page = await request(server.url).get('/dashboard').expect(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((s) => s !== 'data:,');
  expect(sources.length).toBeGreaterThanOrEqual(4);
  for (const source of sources) {
    expect(source).toMatch(/^\/dashboard\/assets\//);
    await request(server.url).get(source).expect(200);
  }
  expect((await request(server.url).get('/dashboard/assets/dashboard.js')).headers['content-type']).toMatch(/javascript/);
  await request(server.url).get('/dashboard/assets/nothing.js').expect(404);
});
