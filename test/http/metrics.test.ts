/** /metrics speaks Prometheus text, and the counts move with what the stream does. */
import request from 'supertest';
import { createMetrics } from '../../src/lib/metrics';
import { downProbes } from '../support/probes';
import { drain, get } from '../support/collector';
import { messageCounts, randomIspb } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { startTestServer, type TestServer } from '../support/server';
import { countAllPendingMessages } from '../../src/inspection/sql/count-messages';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_COLLECTORS_PER_ISPB: '1' });
});
afterAll(() => server.stop());

async function scrape(url = server.url): Promise<Map<string, number>> {
  const res = await request(url).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    const match = /^(pix_stream_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

const delta = (before: Map<string, number>, after: Map<string, number>, key: string) =>
  (after.get(key) ?? 0) - (before.get(key) ?? 0);

it('counts generated, delivered and acknowledged messages, ended and refused streams', async () => {
  const ispb = randomIspb();
  const before = await scrape();
  await request(server.url).post(`/api/util/msgs/${ispb}/35`).expect(201);
  const received = await drain(server.url, ispb, { multipart: true });
  expect(received).toHaveLength(35);
  const holder = await get(server.url, `/api/pix/${ispb}/stream/start`);
  expect((await get(server.url, `/api/pix/${ispb}/stream/start`)).status).toBe(429);
  await get(server.url, holder.pullNext!, undefined, 'DELETE');
  const after = await scrape();

  // Counters are per process; other tests in this file share it, so compare deltas.
  expect(delta(before, after, 'pix_stream_messages_generated_total')).toBe(35);
  expect(delta(before, after, 'pix_stream_messages_delivered_total{face="challenge"}')).toBe(35);
  expect(delta(before, after, 'pix_stream_messages_acknowledged_total{face="challenge"}')).toBe(35);
  expect(delta(before, after, 'pix_stream_messages_redelivered_total{face="challenge"}')).toBe(0);
  expect(delta(before, after, 'pix_stream_streams_ended_total{how="closed"}')).toBe(2);
  expect(delta(before, after, 'pix_stream_streams_refused_total{face="challenge"}')).toBe(1);
  expect(after.has('pix_stream_open_streams')).toBe(true);
  expect(delta(before, after, 'pix_stream_long_poll_seconds_count{outcome="messages",face="challenge"}')).toBe(4);
  expect(delta(before, after, 'pix_stream_claim_seconds_count')).toBeGreaterThanOrEqual(6);
  expect(
    delta(before, after, 'pix_stream_http_request_seconds_count{method="GET",route="/api/pix/:ispb/stream/start",status="429"}'),
  ).toBe(1);
});

it('counts a redelivery after a stream is stopped with its batch unacknowledged', async () => {
  const ispb = randomIspb();
  await request(server.url).post(`/api/util/msgs/${ispb}/3`).expect(201);
  const before = await scrape();
  await get(server.url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
  await request(server.url).get(`/api/pix/${ispb}/stream/stop`).expect(200);
  await drain(server.url, ispb, { multipart: true });
  const after = await scrape();
  expect(delta(before, after, 'pix_stream_messages_delivered_total{face="challenge"}')).toBe(6);
  expect(delta(before, after, 'pix_stream_messages_redelivered_total{face="challenge"}')).toBe(3);
  expect(delta(before, after, 'pix_stream_messages_acknowledged_total{face="challenge"}')).toBe(3);
});

it('reads the pending backlog and the database state at scrape time, and shows the collector limit', async () => {
  const ispb = randomIspb();
  await request(server.url).post(`/api/util/msgs/${ispb}/12`).expect(201);
  const before = await scrape();
  // A count over all ISPBs, which other test files move too: at least this ISPB's 12 are pending.
  expect(before.get('pix_stream_pending_messages')).toBeGreaterThanOrEqual(12);
  expect(before.get('pix_stream_database_up')).toBe(1);
  expect(before.get('pix_stream_collector_limit')).toBe(1); // MAX_COLLECTORS_PER_ISPB of this file's server
  await drain(server.url, ispb, { multipart: true });
});

it('still answers a scrape while the database does not: database_up 0, database gauges NaN', async () => {
  const metrics = createMetrics(downProbes());
  const text = await metrics.registry.metrics();
  expect(text).toMatch(/^pix_stream_database_up 0$/m);
  // prom-client writes NaN as "Nan"; Prometheus reads it case-insensitively.
  expect(text).toMatch(/^pix_stream_pending_messages nan$/im);
  expect(text).toMatch(/^pix_stream_open_streams nan$/im);
});

describe('the backlog gauge, on a database of its own (no other test moves it)', () => {
  let own: OwnDatabase;
  let alone: TestServer;
  beforeAll(async () => {
    own = await ownDatabase('metrics-backlog');
    alone = await startTestServer({ DATABASE_URL: own.url });
  });
  afterAll(async () => {
    await alone?.stop();
    await own?.release();
  });

  it('equals a count of the pending rows as messages arrive, go out, come back and are acknowledged', async () => {
    // Read from the kept counts (dashboard-counts.ts), not by counting: checked against the count at each step.
    const gauge = async () => (await scrape(alone.url)).get('pix_stream_pending_messages');
    const expectGauge = async (pending: number) => {
      expect(await countAllPendingMessages(alone.db)).toBe(pending);
      expect(await gauge()).toBe(pending);
    };
    const [a, b] = [randomIspb(), randomIspb()];
    await expectGauge(0);
    await request(alone.url).post(`/api/util/msgs/${a}/25`).expect(201);
    await request(alone.url).post(`/api/util/msgs/${b}/7`).expect(201);
    await expectGauge(32);
    const first = await get(alone.url, `/api/pix/${a}/stream/start`, 'multipart/json');
    expect(first.messages).toHaveLength(10);
    await expectGauge(22);
    await request(alone.url).get(`/api/pix/${a}/stream/stop`).expect(200); // the batch comes back
    await expectGauge(32);
    await drain(alone.url, a, { multipart: true });
    await expectGauge(7);
    await drain(alone.url, b);
    await expectGauge(0);
    expect(await messageCounts(alone.db, a)).toMatchObject({ acked: 25, pending: 0 });
  });
});
