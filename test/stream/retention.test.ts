/**
 * Retention against the real database: acknowledged history goes, nothing a
 * collector still needs does, the dashboard's figures stay true, and claims of
 * other ISPBs go on exactly once while tens of thousands of rows are deleted.
 * Each test ages its own ISPB's rows by two days (UPDATE ... created_at) and
 * deletes with a cutoff a day back, so no other test's rows are ever old
 * enough, and the retention job of the suite's other servers (JOBS=on, the
 * default 168 h) never touches them. The job's own test runs on a database of
 * its own (support/own-database.ts).
 */
import { insertAcknowledgedRows } from '../../testkit/acknowledged-rows';
import { dropAcknowledgedMessages } from '../../src/retention/drop-acknowledged';
import { readIspbCounts } from '../../src/inspection/sql/ispb-counts';
import { Database } from '../../src/db/database';
import { drain, get, type PixMessage } from '../support/collector';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { startTestServer, type TestServer } from '../support/server';

const MULTIPART = 'multipart/json';
const DAY_AGO = () => new Date(Date.now() - 86_400_000);
const ids = (messages: PixMessage[]) => messages.map((m) => m.endToEndId);

async function ageIspb(db: Database, ispb: string): Promise<void> {
  await db.query(`UPDATE messages SET created_at = created_at - interval '2 days' WHERE receiver_ispb = $1`, [ispb]);
  await db.query(
    `UPDATE iterations SET created_at = created_at - interval '2 days', acked_at = acked_at - interval '2 days'
      WHERE stream_id IN (SELECT id FROM streams WHERE ispb = $1)`,
    [ispb],
  );
  await db.query(`UPDATE streams SET opened_at = opened_at - interval '2 days', closed_at = closed_at - interval '2 days' WHERE ispb = $1`, [ispb]);
}

/** The dashboard's figures for one ISPB, next to the truth counted from message_delivery. */
async function dashboardAndTruth(db: Database, ispb: string) {
  const row = (await readIspbCounts(db)).find((counts) => counts.ispb === ispb);
  const truth = await messageCounts(db, ispb);
  return {
    dashboard: { pending: row?.pending ?? 0, inFlight: row?.inFlight ?? 0, acknowledged: row?.acknowledged ?? 0 },
    truth: { pending: truth.pending, inFlight: truth.inFlight, acknowledged: truth.acked },
  };
}

describe('retention', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_COLLECTORS_PER_ISPB: '8' });
  });
  afterAll(() => server.stop());

  it('deletes acknowledged history and released iterations; pending, in-flight and the open stream go on', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 60);
    // A batch released by a stop (its iteration stays, acked_at NULL, on an ended stream).
    const released = await get(server.url, `/api/pix/${ispb}/stream/start`, MULTIPART);
    expect(released.messages).toHaveLength(10);
    expect((await get(server.url, `/api/pix/${ispb}/stream/stop`)).status).toBe(200);
    // A closed stream: 3 batches acknowledged, the released 10 among them.
    let a = await get(server.url, `/api/pix/${ispb}/stream/start`, MULTIPART);
    const closed = [...a.messages];
    for (let i = 0; i < 2; i++) closed.push(...(a = await get(server.url, a.pullNext!, MULTIPART)).messages);
    expect((await get(server.url, a.pullNext!, MULTIPART, 'DELETE')).status).toBe(200);
    // An open stream: one batch acknowledged, one in flight; 10 left pending.
    const b1 = await get(server.url, `/api/pix/${ispb}/stream/start`, MULTIPART);
    const b2 = await get(server.url, b1.pullNext!, MULTIPART);
    expect([closed.length, b1.messages.length, b2.messages.length]).toEqual([30, 10, 10]);
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 40, inFlight: 10, pending: 10 });
    // Another ISPB drained just now: younger than the cutoff, it stays.
    const young = randomIspb();
    await seedMessages(server.db, young, 5);
    await drain(server.url, young, { multipart: true });

    await ageIspb(server.db, ispb);
    const run = await dropAcknowledgedMessages(server.db, { olderThan: DAY_AGO(), batch: 2 });
    expect(run.messages).toBeGreaterThanOrEqual(40);
    expect(await messageCounts(server.db, ispb)).toEqual({ total: 20, pending: 10, inFlight: 10, acked: 0, redelivered: 0 });
    const left = await server.db.query(
      `SELECT s.status, count(i.id)::int AS iterations FROM streams s LEFT JOIN iterations i ON i.stream_id = s.id
        WHERE s.ispb = $1 GROUP BY s.id, s.status`,
      [ispb],
    );
    // Only the open stream and its current iteration (as old as the others) are left.
    expect(left.rows).toEqual([{ status: 'open', iterations: 1 }]);
    expect(await messageCounts(server.db, young)).toMatchObject({ total: 5, acked: 5 });
    let figures = await dashboardAndTruth(server.db, ispb);
    expect(figures.dashboard).toEqual(figures.truth);
    expect(figures.truth).toEqual({ pending: 10, inFlight: 10, acknowledged: 0 });
    const ledgerRows = await server.db.query('SELECT count(*)::int AS n FROM ispb_message_counts WHERE ispb = $1', [ispb]);
    expect(ledgerRows.rows[0].n).toBe(1); // folded

    // The open stream carries on: its batch is acknowledged, the pending 10 come next, each once.
    expect((await get(server.url, b1.pullNext!, MULTIPART)).status).toBe(404); // a deleted iteration
    const b3 = await get(server.url, b2.pullNext!, MULTIPART);
    expect(b3.messages).toHaveLength(10);
    const b4 = await get(server.url, b3.pullNext!, MULTIPART);
    expect(b4.status).toBe(204);
    expect((await get(server.url, b4.pullNext!, MULTIPART, 'DELETE')).status).toBe(200);
    const everything = [...closed, ...b1.messages, ...b2.messages, ...b3.messages];
    expect(new Set(ids(everything)).size).toBe(60);
    expect(everything).toHaveLength(60);
    figures = await dashboardAndTruth(server.db, ispb);
    expect(figures.dashboard).toEqual(figures.truth);
    expect(figures.truth).toEqual({ pending: 0, inFlight: 0, acknowledged: 20 });
  });

  it('drops nothing younger than the cutoff, and nothing of a stream still open', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 30);
    const first = await get(server.url, `/api/pix/${ispb}/stream/start`, MULTIPART);
    const second = await get(server.url, first.pullNext!, MULTIPART);
    await ageIspb(server.db, ispb);
    // Aged two days, but the cutoff is three days back.
    await dropAcknowledgedMessages(server.db, { olderThan: new Date(Date.now() - 3 * 86_400_000), batch: 100 });
    expect(await messageCounts(server.db, ispb)).toMatchObject({ acked: 10, inFlight: 10, pending: 10 });
    const third = await get(server.url, second.pullNext!, MULTIPART);
    expect(third.messages).toHaveLength(10);
    expect(new Set(ids([...first.messages, ...second.messages, ...third.messages])).size).toBe(30);
  });

  it('collectors drain one ISPB exactly once while another loses tens of thousands of old rows', async () => {
    const old = randomIspb();
    const busy = randomIspb();
    const connection = await server.db.pool.connect();
    try {
      await insertAcknowledgedRows(connection, { ispb: old, rows: 30_000, ageDays: 2, chunk: 10_000 });
    } finally {
      connection.release();
    }
    await seedMessages(server.db, busy, 3000);
    expect(await messageCounts(server.db, old)).toMatchObject({ acked: 30_000 });

    const retention = dropAcknowledgedMessages(server.db, { olderThan: DAY_AGO(), batch: 50 });
    const received = (await Promise.all(Array.from({ length: 6 }, () => drain(server.url, busy, { multipart: true, emptyPolls: 3 })))).flat();
    const run = await retention;

    expect(run.messages).toBeGreaterThanOrEqual(30_000);
    expect(received).toHaveLength(3000);
    expect(new Set(ids(received)).size).toBe(3000);
    expect(await messageCounts(server.db, busy)).toMatchObject({ acked: 3000, pending: 0, inFlight: 0, redelivered: 0 });
    expect(await messageCounts(server.db, old)).toMatchObject({ total: 0 });
    const streams = await server.db.query('SELECT count(*)::int AS n FROM streams WHERE ispb = $1', [old]);
    expect(streams.rows[0].n).toBe(0);
    for (const ispb of [old, busy]) {
      const figures = await dashboardAndTruth(server.db, ispb);
      expect(figures.dashboard).toEqual(figures.truth);
    }
  });
});

describe('the drop-acknowledged job', () => {
  let own: OwnDatabase;
  let server: TestServer;
  beforeAll(async () => {
    own = await ownDatabase('retention-job');
    // Rows aged two days, a cutoff of one: the job runs every second and deletes them.
    server = await startTestServer({ DATABASE_URL: own.url, JOBS: 'on', RETENTION_HOURS: '24', RETENTION_INTERVAL_S: '1' });
  });
  afterAll(async () => {
    await server?.stop();
    await own?.release();
  });

  it('runs on its own and deletes aged acknowledged messages', async () => {
    const ispb = randomIspb();
    await seedMessages(server.db, ispb, 25);
    expect(await drain(server.url, ispb, { multipart: true })).toHaveLength(25);
    await ageIspb(server.db, ispb);
    const deadline = Date.now() + 15_000;
    while ((await messageCounts(server.db, ispb)).total > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await messageCounts(server.db, ispb)).toMatchObject({ total: 0 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/pix_stream_retention_dropped_total\{table="messages"\} [1-9]/);
  });
});
