/**
 * The database goes away mid-drain and comes back: requests get 503 +
 * Retry-After meanwhile (not 500, not a hang), the API reconnects by itself,
 * and the drain completes with every message delivered and acknowledged once.
 * This file runs a PostgreSQL cluster of its own, since it stops it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Database } from '../../src/db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { migrateToLatest } from '../../src/db/migrator';
import { createSequelize } from '../../src/db/sequelize';
import { startServer, type RunningServer } from '../../src/server';
import { get } from '../support/collector';
import { auditDeliveries } from '../support/delivery-audit';
import { messageCounts, randomIspb, seedMessages } from '../support/factories';
import { freePort } from '../../testkit/free-port';
import { testConfig } from '../support/server';

const MESSAGES = 1500;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let postgres: EmbeddedPostgres;
let postgresOptions: Parameters<typeof startEmbeddedPostgres>[0];
let server: RunningServer;
let db: Database;

beforeAll(async () => {
  postgresOptions = {
    dataDir: path.resolve('.data', `restart-test-${process.pid}`),
    port: await freePort(),
    database: 'postgres',
    logger,
    settings: { fsync: 'off', synchronous_commit: 'off' },
  };
  postgres = await startEmbeddedPostgres(postgresOptions);
  const sequelize = createSequelize(postgres.url);
  await migrateToLatest(sequelize, postgres.url);
  await sequelize.close();
  server = await startServer(testConfig({ DATABASE_URL: postgres.url, JOBS: 'on', LONG_POLL_TIMEOUT_MS: '300' }), logger);
  db = new Database(postgres.url, 2, logger);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.close();
  await postgres?.stop();
  rmSync(postgresOptions.dataDir, { recursive: true, force: true });
});

it('answers 503 during the outage and completes the drain exactly once afterwards', async () => {
  const ispb = randomIspb();
  await seedMessages(db, ispb, MESSAGES);
  const received: string[] = [];
  const outageAnswers: { status: number; retryAfter: string | null; type: string | null }[] = [];
  let outage = false;

  async function collector(): Promise<void> {
    let path = `/api/pix/${ispb}/stream/start`;
    let emptyAfterOutage = 0;
    for (;;) {
      const reply = await fetch(server.url + path, { headers: { accept: 'multipart/json' } });
      const body = await reply.text();
      if (reply.status === 503) {
        outageAnswers.push({ status: 503, retryAfter: reply.headers.get('retry-after'), type: reply.headers.get('content-type') });
        await sleep(100); // a real collector would honour Retry-After; the test keeps it short
        continue; // the same URI again: replay or continue, never a gap
      }
      expect([200, 204]).toContain(reply.status);
      if (reply.status === 200) received.push(...JSON.parse(body).map((m: { endToEndId: string }) => m.endToEndId));
      path = reply.headers.get('pull-next')!;
      await sleep(outage ? 0 : 10); // slow enough that the outage lands mid-drain
      if (reply.status === 204 && !outage && (emptyAfterOutage += 1) >= 2) break;
    }
    await get(server.url, path, 'multipart/json', 'DELETE');
  }

  const collectors = [collector(), collector(), collector()];
  while (received.length < MESSAGES / 3) await sleep(5);
  outage = true;
  await postgres.stop();
  const ready = await fetch(`${server.url}/ready`);
  expect(ready.status).toBe(503);
  expect(ready.headers.get('retry-after')).toBe('2');
  await sleep(1500);
  postgres = await startEmbeddedPostgres(postgresOptions);
  outage = false;
  await Promise.all(collectors);

  expect(outageAnswers.length).toBeGreaterThan(0);
  for (const answer of outageAnswers) {
    expect(answer.retryAfter).toMatch(/^\d+$/);
    expect(answer.type).toMatch(/^application\/problem\+json/);
  }
  expect(await messageCounts(db, ispb)).toMatchObject({ total: MESSAGES, acked: MESSAGES, pending: 0, inFlight: 0 });
  expect(await auditDeliveries(db, ispb)).toMatchObject({ notAckedExactlyOnce: 0, overlappingDeliveries: 0, redelivered: 0 });
  expect(received).toHaveLength(MESSAGES);
  expect(new Set(received).size).toBe(MESSAGES);
  expect((await fetch(`${server.url}/ready`)).status).toBe(200);
}, 60_000);
