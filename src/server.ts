/**
 * Start and stop of one API process: config -> database -> migrations ->
 * LISTEN -> jobs -> HTTP. stop() runs the reverse and is safe to call twice:
 * stop accepting -> answer waiting long polls (204 + Pull-Next) -> finish
 * in-flight requests -> jobs -> LISTEN -> pool -> embedded PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { composeInbound, createApp, problemFormatFor } from './app.js';
import type { Config } from './config.js';
import { Database } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.js';
import { startListener } from './db/listener.js';
import { migrateToLatest } from './db/migrator.js';
import { defineModels } from './db/models/index.js';
import { createSequelize } from './db/sequelize.js';
import { startJobs } from './jobs/boss.js';
import type { Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { STOP_STEP_TIMEOUT_MS, StopSteps, stopWithin } from './lib/stop-steps.js';
import { countPendingInstructions, sumReserveCents } from './spi/sql/totals.js';
import { createEdgeServer } from './http/edge.js';
import { problem } from './http/problem.js';
import { MESSAGES_CHANNEL, readNotification } from './stream/channel.js';
import { LongPoll } from './stream/long-poll.js';
import { ClaimFloors } from './stream/claim-floors.js';
import { countAllOpenStreams } from './stream/sql/collector-slots.js';
import { readPendingTotal } from './inspection/sql/ispb-counts.js';
import { StreamService } from './stream/service.js';
import { Wakes } from './stream/wakes.js';
import { VirtualWorker } from './virtual/worker.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // What has started so far, stopped in reverse if a later step fails (e.g. the port is taken).
  const started = new StopSteps(logger);
  try {
    return await startInOrder(config, logger, started);
  } catch (err) {
    await started.stopAll().catch(() => undefined); // each failure is logged; the start's own error is the one to throw
    throw err;
  }
}

async function startInOrder(config: Config, logger: Logger, started: StopSteps): Promise<RunningServer> {
  let databaseUrl = config.databaseUrl;
  let embedded: EmbeddedPostgres | undefined;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedPgDataDir,
      port: config.embeddedPgPort,
      database: 'pix_stream',
      logger,
    });
    started.add('embedded PostgreSQL', () => embedded!.stop());
    databaseUrl = embedded.url;
  }

  const sequelize = createSequelize(databaseUrl);
  started.add('Sequelize', () => sequelize.close());
  await migrateToLatest(sequelize, databaseUrl, logger);
  const models = defineModels(sequelize);

  const db = new Database(databaseUrl, config.dbPoolMax, logger);
  started.add('the pool', () => db.close());
  const longPoll = new LongPoll();
  const claimFloors = new ClaimFloors();
  const metrics = createMetrics({
    countOpenStreams: () => countAllOpenStreams(db),
    countPendingMessages: () => readPendingTotal(db),
    ping: () => db.query('SELECT 1'),
    countPendingInstructions: () => countPendingInstructions(db),
    sumReserveCents: () => sumReserveCents(db),
  });
  metrics.collectorLimit.set(config.maxCollectorsPerIspb);
  // New or released messages may sit below a claim floor: the next claim reads from the first entry.
  let virtualWorker: VirtualWorker | undefined;
  const wakeHere = (ispb: string) => {
    claimFloors.drop(ispb);
    longPoll.notify(ispb);
    virtualWorker?.poke(ispb);
  };
  const wakes = new Wakes(db, wakeHere, randomUUID(), logger);
  const listener = startListener({
    connectionString: databaseUrl,
    channel: MESSAGES_CHANNEL,
    logger,
    onNotify: (payload) => {
      const { ispb, from } = readNotification(payload);
      // This process woke its own waiters before it notified the others.
      if (from !== wakes.tag) wakeHere(ispb);
    },
    onConnect: () => {
      claimFloors.dropAll();
      longPoll.wakeAll();
    },
  });
  started.add('LISTEN', () => listener.stop());
  // Background work gets a pool of its own: a long generation job never takes connections from requests.
  const jobsDb = new Database(databaseUrl, 3, logger, 'pix-stream-jobs');
  started.add('the jobs pool', () => jobsDb.close());
  const jobs = await startJobs({
    databaseUrl,
    db: jobsDb,
    logger,
    metrics,
    waker: wakes,
    runWorkers: config.jobsEnabled,
    expiryCheckIntervalS: config.expiryCheckIntervalS,
    retention: config.retention,
    spi: config.spi,
  });
  started.add('pg-boss', () => jobs.stop());
  if (config.jobsEnabled) {
    // Virtual participants collect and post as banks do, on a pool of their own (src/virtual/worker.ts).
    const virtualDb = new Database(databaseUrl, 2, logger, 'pix-stream-virtual');
    started.add('the virtual participants pool', () => virtualDb.close());
    const streams = new StreamService(virtualDb, longPoll, metrics, config, claimFloors);
    virtualWorker = new VirtualWorker({ db: virtualDb, streams, inbound: composeInbound(virtualDb, wakes, config.spi, metrics), waker: wakes, logger });
    virtualWorker.start();
    started.add('the virtual participants', () => virtualWorker!.stop());
  }

  const app = createApp({ db, longPoll, claimFloors, wakes, logger, metrics, models, generationQueue: jobs.generationQueue, settings: config });
  const { server, drain } = createEdgeServer(app, config.http, (status, detail, path) => problemFormatFor(path)(problem(status, detail), path), {
    tls: config.tls,
    // Scanners and clients without a valid certificate fail here by design: worth a debug line, never an error.
    onTlsClientError: (err) => logger.debug({ code: err.code, reason: err.message }, 'TLS handshake refused'),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const tls = !config.tls ? 'off' : config.tls.clientCa === undefined ? 'server' : 'mutual';
  logger.info({ port, tls, embedded: Boolean(embedded) }, 'pix-stream listening');

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    const closed = drain();
    longPoll.shutdown();
    const forced = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
    const httpFailure = await stopWithin(logger, 'HTTP', () => closed, config.shutdownTimeoutMs + STOP_STEP_TIMEOUT_MS);
    clearTimeout(forced);
    await started.stopAll(); // virtual participants, jobs, LISTEN, pools, embedded PostgreSQL
    if (httpFailure) throw httpFailure;
    logger.info('pix-stream stopped');
  };

  return {
    url: `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    stop: () => (stopping ??= stop()),
  };
}
