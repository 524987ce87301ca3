/**
 * The claim floor (stream/claim-floors.ts) at the statement: a claim reads an
 * ISPB's pending rows from its floor on, says where the next may start, and
 * says when it ran short, so nothing below a floor stays pending for good.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Database } from '../../src/db/database';
import { createMetrics } from '../../src/lib/metrics';
import { quietProbes } from '../support/probes';
import { ClaimFloors, NO_FLOOR } from '../../src/stream/claim-floors';
import { LongPoll } from '../../src/stream/long-poll';
import { StreamService } from '../../src/stream/service';
import { pullBatches, type PullRequest } from '../../src/stream/sql/pull-batch';
import { randomIspb, seedMessages } from '../support/factories';

const db = new Database(process.env.DATABASE_URL!, 4, pino({ level: 'silent' }));
afterAll(() => db.close());

/** An open challenge stream of `ispb` and its first pull-next id. */
async function openStream(ispb: string): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO streams (ispb, status, idle_timeout, expires_at) VALUES ($1, 'open', '1 minute', now() + interval '1 minute') RETURNING id`,
    [ispb],
  );
  const iterationId = randomUUID();
  await db.query('INSERT INTO iterations (id, stream_id) VALUES ($1, $2)', [iterationId, rows[0].id]);
  return iterationId;
}

/** The ISPB's message seqs, oldest first. */
async function seqs(ispb: string): Promise<string[]> {
  const { rows } = await db.query('SELECT d.seq::text AS seq FROM deliveries d WHERE d.receiver_ispb = $1 ORDER BY d.seq', [ispb]);
  return rows.map((row) => row.seq);
}

async function pullOnce(ispb: string, iterationId: string, floor: string) {
  const pull: PullRequest = { iterationId, ispb, face: 'challenge', nextId: randomUUID(), limit: 10, final: false, floor };
  const { results, claimEnds } = await pullBatches(db, 'challenge', [pull]);
  const result = results[0];
  const endToEndIds = result.kind === 'delivered' && result.payload.face === 'challenge' ? (JSON.parse(`[${result.payload.bodies}]`) as { endToEndId: string }[]).map((m) => m.endToEndId) : [];
  return { result, claimEnds, endToEndIds, next: result.kind === 'delivered' ? pull.nextId : iterationId };
}

it('reads from the floor on, moves it with a full claim, drops it when short, and the rows below are taken from the first entry', async () => {
  const ispb = randomIspb();
  await seedMessages(db, ispb, 30);
  const order = await seqs(ispb);
  let iterationId = await openStream(ispb);

  const first = await pullOnce(ispb, iterationId, NO_FLOOR);
  expect(first.endToEndIds).toHaveLength(10);
  expect(first.claimEnds).toEqual([{ ispb, nextFloor: order[0] }]);
  iterationId = first.next;

  // From the 21st row on: rows 11-20 are pending but below the floor.
  const above = await pullOnce(ispb, iterationId, order[20]);
  expect(above.claimEnds).toEqual([{ ispb, nextFloor: order[20] }]);
  const aboveSeqs = await db.query(
    'SELECT d.seq::text AS seq FROM deliveries d WHERE d.iteration_id = $1 ORDER BY d.seq',
    [above.next],
  );
  expect(aboveSeqs.rows.map((row) => row.seq)).toEqual(order.slice(20));
  iterationId = above.next;

  // Nothing left above the floor: the claim comes back short, and says to drop the floor.
  const short = await pullOnce(ispb, iterationId, order[20]);
  expect(short.result.kind).toBe('nothing-yet');
  expect(short.claimEnds).toEqual([{ ispb, nextFloor: null }]);

  // From the first entry again: the ten left below the floor.
  const rest = await pullOnce(ispb, iterationId, NO_FLOOR);
  expect(rest.endToEndIds).toHaveLength(10);
  expect(rest.claimEnds).toEqual([{ ispb, nextFloor: order[10] }]);
  const all = new Set([...first.endToEndIds, ...rest.endToEndIds]);
  const pending = await db.query('SELECT count(*)::int AS n FROM deliveries WHERE receiver_ispb = $1 AND iteration_id IS NULL', [ispb]);
  expect(pending.rows[0].n).toBe(0);
  expect(all.size).toBe(20);
});

it('pulls of one ISPB in one group share one claim, each taking its own slice, oldest first', async () => {
  const ispb = randomIspb();
  await seedMessages(db, ispb, 25);
  const order = await seqs(ispb);
  const streams = await Promise.all([openStream(ispb), openStream(ispb), openStream(ispb)]);
  const pulls: PullRequest[] = streams.map((iterationId) => ({ iterationId, ispb, face: 'challenge', nextId: randomUUID(), limit: 10, final: false }));
  const { results, claimEnds } = await pullBatches(db, 'challenge', pulls);
  expect(results.map((result) => (result.kind === 'delivered' ? result.count : 0))).toEqual([10, 10, 5]);
  // 30 wanted, 25 found: short.
  expect(claimEnds).toEqual([{ ispb, nextFloor: null }]);
  const taken = await Promise.all(
    pulls.map(async (pull) => (await db.query('SELECT d.seq::text AS seq FROM deliveries d WHERE d.iteration_id = $1 ORDER BY d.seq', [pull.nextId])).rows.map((row) => row.seq)),
  );
  expect(taken).toEqual([order.slice(0, 10), order.slice(10, 20), order.slice(20)]);
});

/** Above every seq: no claim starting there finds a row. */
const PAST_EVERY_SEQ = '9223372036854775807';

/** A StreamService on the test database with `floors`, without metrics anyone reads. */
function serviceWith(floors: ClaimFloors, longPoll: LongPoll, settings: { maxCollectorsPerIspb: number; streamIdleTimeoutS: number }): StreamService {
  const metrics = createMetrics(quietProbes);
  return new StreamService(db, longPoll, metrics, { longPollTimeoutMs: 5000, ...settings }, floors);
}

/** A floor no claim may read past unless it says to start from the first entry. */
class FloorAtTheEnd extends ClaimFloors {
  override get(): string {
    return PAST_EVERY_SEQ;
  }
}

it('a collector woken for a message below the floor (set by another collector meanwhile) still gets it at once', async () => {
  const ispb = randomIspb();
  const longPoll = new LongPoll();
  const service = serviceWith(new FloorAtTheEnd(), longPoll, { maxCollectorsPerIspb: 6, streamIdleTimeoutS: 60 });
  const started = Date.now();
  const answer = service.start(ispb, { face: 'challenge', batchSize: 10 }, new AbortController().signal);
  // The first attempt found nothing; the collector waits.
  while (longPoll.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await seedMessages(db, ispb, 1);
  longPoll.notify(ispb); // what the LISTEN connection relays (server.ts)
  const delivery = await answer;
  expect(delivery?.count).toBe(1);
  expect(Date.now() - started).toBeLessThan(2500);
  await service.close(ispb, delivery!.iterationId, 'challenge');
});

/** A floor past every row once armed, until someone drops it. */
class FloorUntilDropped extends ClaimFloors {
  armed = false;
  override get(ispb: string): string {
    return this.armed ? PAST_EVERY_SEQ : super.get(ispb);
  }
  override drop(ispb: string): void {
    this.armed = false;
    super.drop(ispb);
  }
}

it('a start that reaps an idle stream takes what it released at once, below any floor', async () => {
  const ispb = randomIspb();
  await seedMessages(db, ispb, 2);
  const floors = new FloorUntilDropped();
  const service = serviceWith(floors, new LongPoll(), { maxCollectorsPerIspb: 1, streamIdleTimeoutS: 1 });
  const signal = new AbortController().signal;
  const abandoned = await service.start(ispb, { face: 'challenge', batchSize: 10 }, signal);
  expect(abandoned?.count).toBe(2);
  floors.armed = true;
  await new Promise((resolve) => setTimeout(resolve, 1200));
  // The collector limit is reached by the idle stream: this start reaps it, and its two messages are pending again.
  const started = Date.now();
  const rescued = await service.start(ispb, { face: 'challenge', batchSize: 10 }, signal);
  expect(rescued?.count).toBe(2);
  expect(Date.now() - started).toBeLessThan(2500);
  await service.close(ispb, rescued!.iterationId, 'challenge');
});
