/**
 * Exactly once under a crash: two API processes on one database, six collectors
 * spread over both, and one process killed with SIGKILL mid-drain. Collectors
 * that were on it either fail over (repeat their Pull-Next on the survivor: the
 * API is stateless, so the batch is replayed) or give up their stream and start
 * a new one (their batch comes back after the idle timeout).
 */
import pino from 'pino';
import { Database } from '../../src/db/database';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { get, type Reply } from '../support/collector';
import { auditDeliveries } from '../support/delivery-audit';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { ownDatabase, type OwnDatabase } from '../support/own-database';

const MESSAGES = 3000;
const ENV = { JOBS: 'on', STREAM_IDLE_TIMEOUT_S: '2', EXPIRY_CHECK_INTERVAL_S: '1', LONG_POLL_TIMEOUT_MS: '500' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let own: OwnDatabase;
let db: Database;
let victim: ApiProcess;
let survivor: ApiProcess;
beforeAll(async () => {
  // Abandoned batches come back through the expiry job: a database of its own, so it runs every second (support/own-database.ts).
  own = await ownDatabase('crash');
  db = new Database(own.url, 2, pino({ level: 'silent' }));
  const env = { ...ENV, DATABASE_URL: own.url };
  [victim, survivor] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
});
afterAll(async () => {
  await Promise.all([victim?.stop(), survivor?.stop()]);
  await db?.close();
  await own?.release();
});

type OnLost = 'fail-over' | 'abandon';

it('every message is acknowledged exactly once and never in two open streams at once', async () => {
  const ispb = randomIspb();
  await seedMessages(db, ispb, MESSAGES);
  const received: string[] = [];
  let abandonedBatches = 0;

  const allAcked = async () => (await messageCounts(db, ispb)).acked === MESSAGES;

  async function start(url: string): Promise<Reply> {
    for (;;) {
      const reply = await get(url, `/api/pix/${ispb}/stream/start`, 'multipart/json');
      if (reply.status !== 429) return reply;
      await sleep(200); // the slot of a given-up stream frees when it expires
    }
  }

  async function collector(firstUrl: string, onLost: OnLost): Promise<void> {
    let url = firstUrl;
    let reply = await start(url);
    for (;;) {
      received.push(...reply.messages.map((message) => message.endToEndId));
      if (reply.status === 204 && (await allAcked())) break;
      try {
        reply = await get(url, reply.pullNext!, 'multipart/json');
      } catch {
        // Our API process is gone mid-request.
        url = survivor.url;
        if (onLost === 'fail-over') {
          reply = await get(url, reply.pullNext!, 'multipart/json');
        } else {
          abandonedBatches += 1;
          reply = await start(url);
        }
      }
      expect([200, 204]).toContain(reply.status);
    }
    await get(url, reply.pullNext!, 'multipart/json', 'DELETE');
  }

  const collectors = [
    collector(victim.url, 'fail-over'),
    collector(victim.url, 'abandon'),
    collector(victim.url, 'abandon'),
    collector(survivor.url, 'fail-over'),
    collector(survivor.url, 'fail-over'),
    collector(survivor.url, 'fail-over'),
  ];
  while (received.length < MESSAGES / 3) await sleep(5);
  victim.child.kill('SIGKILL');
  expect(await victim.exited).toBeNull();
  await Promise.all(collectors);

  expect(await messageCounts(db, ispb)).toMatchObject({ total: MESSAGES, acked: MESSAGES, pending: 0, inFlight: 0 });
  const audit = await auditDeliveries(db, ispb);
  expect(audit).toMatchObject({ messages: MESSAGES, notAckedExactlyOnce: 0, overlappingDeliveries: 0 });
  // Everything arrived; what arrived twice is at most the abandoned batches (10 each).
  expect(new Set(received).size).toBe(MESSAGES);
  expect(received.length - MESSAGES).toBeLessThanOrEqual(abandonedBatches * 10);
  expect(audit.redelivered).toBeLessThanOrEqual(abandonedBatches * 10);
  // The scenario really happened: both give-ups left a batch behind, and it came back.
  expect(abandonedBatches).toBe(2);
  expect(audit.redelivered).toBeGreaterThanOrEqual(10);
});
