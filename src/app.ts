import express from 'express';
import type { Database } from './db/database.js';
import type { Models } from './db/models/index.js';
import { BadRequest, NotFound } from './lib/errors.js';
import type { Logger } from './lib/logger.js';
import type { Metrics } from './lib/metrics.js';
import { methodNotAllowed } from './lib/method-not-allowed.js';
import { problemHandler } from './lib/problem.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { openApiDocument } from './openapi/document.js';
import { requestLog } from './lib/request-log.js';
import type { LongPoll } from './pix/long-poll.js';
import { StreamService, type StreamSettings } from './pix/stream-service.js';
import { streamRoutes } from './pix/stream-routes.js';
import { GenerationService, type GenerationQueue } from './pix/generation-service.js';
import { utilRoutes } from './pix/util-routes.js';

export interface AppDeps {
  db: Database;
  longPoll: LongPoll;
  generationQueue: GenerationQueue;
  models: Models;
  metrics: Metrics;
  logger: Logger;
  settings: StreamSettings & { generateSyncMax: number };
}

/** The Express app: routes and the one error handler. Listening is start-up's business (server.ts). */
export function createApp({ db, longPoll, generationQueue, models, metrics, logger, settings }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // /stream/STOP must not close streams, nor /health/ answer: paths match exactly as written.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(requestLog(logger, metrics));
  // Node's parser takes a request line without a version as HTTP/0.9; no collector speaks it.
  app.use((req, res, next) => {
    if (req.httpVersionMajor < 1) throw new BadRequest('HTTP/1.0 or newer is required');
    // Node's own check would answer a bare 400; this one answers in the API's error format.
    if (req.httpVersionMinor >= 1 && !req.headers.host) {
      res.setHeader('Connection', 'close'); // as Node's own check would: a client this confused gets a fresh start
      throw new BadRequest('HTTP/1.1 requests must carry a Host header');
    }
    next();
  });
  app.use(express.json({ limit: '100kb' }));

  app.route('/health').get((_req, res) => void res.json({ status: 'ok' })).all(methodNotAllowed(['GET', 'HEAD']));
  app
    .route('/ready')
    .get(async (_req, res) => {
      await db.query('SELECT 1');
      res.json({ status: 'ready' });
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  app.route('/openapi.json').get((_req, res) => void res.json(openApiDocument)).all(methodNotAllowed(['GET', 'HEAD']));
  const docsPage = renderDocsPage();
  app.route('/docs').get((_req, res) => void res.type('html').send(docsPage)).all(methodNotAllowed(['GET', 'HEAD']));
  app
    .route('/metrics')
    .get(async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  app.use(utilRoutes(new GenerationService(db, models.GenerationJob, generationQueue, metrics, settings.generateSyncMax)));
  app.use(streamRoutes(new StreamService(db, longPoll, metrics, settings)));

  app.use((req) => {
    throw new NotFound(`No route for ${req.method} ${req.path}`);
  });
  app.use(problemHandler(logger));
  return app;
}
