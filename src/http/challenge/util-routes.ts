import { Router } from 'express';
import type { Models } from '../../db/models/index.js';
import type { GenerationService } from '../../generation/service.js';
import { inspectIspb, type IspbSnapshot } from '../../inspection/ispb.js';
import { NotFound } from '../errors.js';
import { methodNotAllowed } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { MAX_GENERATION, parseIspb, parseJobId, parseMessageCount } from './params.js';

/** The inspection answer: the engine's snapshot shaped for JSON, never a database row. */
function ispbView(snapshot: IspbSnapshot, collectorLimit: number) {
  return {
    ispb: snapshot.ispb,
    messages: { pending: snapshot.pending, inFlight: snapshot.inFlight, acknowledged: snapshot.acknowledged },
    streams: {
      open: snapshot.openStreams.length,
      limit: collectorLimit,
      list: snapshot.openStreams.map((stream) => ({
        id: stream.id,
        openedAt: stream.openedAt.toISOString(),
        lastSeenAt: stream.lastSeenAt.toISOString(),
        expiresAt: stream.expiresAt.toISOString(),
      })),
    },
  };
}

export function utilRoutes(generation: GenerationService, models: Models, collectorLimit: number): Router {
  const router = Router({ caseSensitive: true, strict: true });

  router
    .route('/api/util/msgs/:ispb/:number')
    .post(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const count = parseMessageCount(req.params.number, MAX_GENERATION);
      const result = await generation.request(ispb, count);
      if (result.kind === 'done') {
        res.status(201).json({ ispb, created: result.created });
        return;
      }
      const location = `/api/util/jobs/${result.jobId}`;
      res.status(202).location(location).json({ ispb, jobId: result.jobId, total: count, status: location });
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/api/util/jobs/:id')
    .get(async (req, res) => {
      const id = parseJobId(req.params.id);
      const job = await generation.find(id);
      if (!job) throw new NotFound(`No generation job ${id}`);
      res.setHeader('Cache-Control', 'no-store');
      res.json(job);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  router
    .route('/api/util/ispbs/:ispb')
    .get(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      annotateLog(res, { ispb });
      res.setHeader('Cache-Control', 'no-store');
      res.json(ispbView(await inspectIspb(models, ispb), collectorLimit));
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  return router;
}
