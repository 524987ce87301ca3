/**
 * Composition of the Express app: shared middleware, operations routes, each
 * face's routes, and the error handler. Listening is start-up's business
 * (server.ts); the socket-level edge is http/edge.ts.
 */
import express from 'express';
import type { SpiSettings, TlsSettings } from './config.js';
import type { Database } from './db/database.js';
import type { Models } from './db/models/index.js';
import { GenerationService, type GenerationQueue } from './generation/service.js';
import { renderProblemJson } from './http/challenge/format.js';
import { renderProblemXmlAnswer } from './http/icom/format.js';
import { icomCatalogRoutes } from './http/icom/catalog-routes.js';
import { icomInboundRoutes } from './http/icom/inbound-routes.js';
import { participantGuard } from './http/icom/participant-guard.js';
import { icomStreamRoutes } from './http/icom/stream-routes.js';
import { icomTrafficLimit } from './http/icom/traffic-limit.js';
import { streamRoutes } from './http/challenge/stream-routes.js';
import { accountRoutes } from './http/challenge/account-routes.js';
import { virtualRoutes } from './http/challenge/virtual-routes.js';
import { faultRoutes } from './http/challenge/fault-routes.js';
import { rehearsalRoutes } from './http/challenge/rehearsal-routes.js';
import { icomFaults } from './http/icom/faults.js';
import { utilRoutes } from './http/challenge/util-routes.js';
import { dashboardRoutes } from './http/dashboard/routes.js';
import { BadRequest, NotFound } from './http/errors.js';
import { methodNotAllowed } from './http/methods.js';
import { problemHandler, type ProblemRenderer } from './http/problem.js';
import { requestLog } from './http/request-log.js';
import type { Logger } from './lib/logger.js';
import { recordDecided, type Metrics } from './lib/metrics.js';
import { TrafficLimiter, type BucketSize } from './limits/traffic-limit.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { openApiDocument } from './openapi/document.js';
import { InboundService } from './inbound/service.js';
import { Accounts } from './spi/accounts.js';
import { VirtualParticipants } from './virtual/service.js';
import { FaultBook } from './virtual/fault-book.js';
import { FaultSettings } from './virtual/fault-settings.js';
import { Rehearsals } from './rehearsal/service.js';
import { relayHandler } from './spi/relay.js';
import { settlementHandler } from './spi/settle.js';
import type { LongPoll } from './stream/long-poll.js';
import type { ClaimFloors } from './stream/claim-floors.js';
import { DashboardReader } from './inspection/dashboard.js';
import { StreamService, type StreamSettings } from './stream/service.js';
import type { Waker, Wakes } from './stream/wakes.js';

export interface AppDeps {
  db: Database;
  longPoll: LongPoll;
  /** Where claims start reading each ISPB's pending index (stream/claim-floors.ts); whoever relays notifications drops them. */
  claimFloors?: ClaimFloors;
  /** Wakes collectors of ISPBs that received posted messages, here and in the other API processes. */
  wakes: Wakes;
  generationQueue: GenerationQueue;
  models: Models;
  metrics: Metrics;
  logger: Logger;
  /** `icomBucket` undefined: the ICOM face has no traffic limit. `tls.clientCa` set: participants' paths are checked against their client certificates. */
  settings: StreamSettings & { generateSyncMax: number; icomBucket: BucketSize | undefined; tls?: TlsSettings; spi: SpiSettings };
}

/** Errors under /api/v1 (the ICOM face) are problem+xml; everywhere else problem+json. */
export function problemFormatFor(path: string): ProblemRenderer {
  return path === '/api/v1' || path.startsWith('/api/v1/') ? renderProblemXmlAnswer : renderProblemJson;
}

/** ICOM inbound with the SPI's handler: settlement, or the relay when SPI_SETTLEMENT=off (also what virtual participants post through). */
export function composeInbound(db: Database, wakes: Waker, spi: SpiSettings, metrics: Metrics): InboundService {
  const handler = spi.settlement ? settlementHandler({ openingCents: spi.openingCents, timeoutS: spi.timeoutS }) : relayHandler(spi.openingCents);
  return new InboundService(db, wakes, handler, (decided) => recordDecided(metrics, decided));
}

export function createApp({ db, longPoll, claimFloors, wakes, generationQueue, models, metrics, logger, settings }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // /stream/STOP must not close streams, nor /health/ answer: paths match exactly as written.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(requestLog(logger, metrics));
  app.use((req, res, next) => {
    // Node's parser takes a request line without a version as HTTP/0.9; no collector speaks it.
    if (req.httpVersionMajor < 1) throw new BadRequest('HTTP/1.0 or newer is required');
    // Node's own check would answer a bare 400; this one answers in the API's error format.
    if (req.httpVersionMinor >= 1 && !req.headers.host) {
      res.setHeader('Connection', 'close'); // as Node's own check would: a client this confused gets a fresh start
      throw new BadRequest('HTTP/1.1 requests must carry a Host header');
    }
    next();
  });
  // Before any body is parsed or route matched, so a participant's route added later is covered as well.
  if (settings.tls?.clientCa !== undefined) app.use(participantGuard());
  // JSON bodies for the challenge face; the ICOM face reads its own (XML, gzip, multipart) in its routes.
  const json = express.json({ limit: '100kb' });
  app.use((req, res, next) => (req.path.startsWith('/api/v1/') ? next() : json(req, res, next)));

  const readOnly = methodNotAllowed(['GET', 'HEAD']);
  app.route('/health').get((_req, res) => void res.json({ status: 'ok' })).all(readOnly);
  app
    .route('/ready')
    .get(async (_req, res) => {
      await db.query('SELECT 1');
      res.json({ status: 'ready' });
    })
    .all(readOnly);
  app.route('/openapi.json').get((_req, res) => void res.json(openApiDocument)).all(readOnly);
  const docsPage = renderDocsPage();
  app.route('/docs').get((_req, res) => void res.type('html').send(docsPage)).all(readOnly);
  app
    .route('/metrics')
    .get(async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    })
    .all(readOnly);

  const generation = new GenerationService(db, wakes, models.GenerationJob, generationQueue, metrics, settings.generateSyncMax);
  app.use(utilRoutes(generation, models, settings.maxCollectorsPerIspb));
  app.use(accountRoutes(new Accounts(db, settings.spi.openingCents)));
  app.use(virtualRoutes(new VirtualParticipants(db)));
  app.use(faultRoutes(new FaultSettings(db)));
  // The last instruction is decided at most the SPI's timeout after it was sent, plus a deadline job's round; 5 s more to spare.
  app.use(rehearsalRoutes(new Rehearsals(db, settings.spi.timeoutS + settings.spi.deadlineCheckIntervalS + 5, settings.spi.openingCents)));
  const streams = new StreamService(db, longPoll, metrics, settings, claimFloors);
  app.use(streamRoutes(streams));
  // Faults a participant asked for, before the traffic limit: an injected 429 spends no tokens.
  app.use(icomFaults(new FaultBook(db, logger, (fault) => metrics.faultsInjected.inc({ fault })), streams));
  // Before the ICOM routes: a refused request does none of their work. Off (either ICOM_BUCKET_* 0): not mounted at all.
  if (settings.icomBucket) app.use(icomTrafficLimit(new TrafficLimiter(db, settings.icomBucket, metrics)));
  app.use(icomStreamRoutes(streams));
  app.use(icomInboundRoutes(composeInbound(db, wakes, settings.spi, metrics)));
  app.use(icomCatalogRoutes());
  app.use(dashboardRoutes(new DashboardReader(db), settings.maxCollectorsPerIspb));

  app.use((req) => {
    throw new NotFound(`No route for ${req.method} ${req.path}`);
  });
  app.use(problemHandler(logger, problemFormatFor));
  return app;
}
