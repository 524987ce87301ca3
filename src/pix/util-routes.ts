import { Router } from 'express';
import { NotFound } from '../lib/errors.js';
import { methodNotAllowed } from '../lib/method-not-allowed.js';
import type { GenerationService } from './generation-service.js';
import { MAX_GENERATION, parseIspb, parseJobId, parseMessageCount } from './params.js';

export function utilRoutes(generation: GenerationService): Router {
  const router = Router({ caseSensitive: true, strict: true });

  router
    .route('/api/util/msgs/:ispb/:number')
    .post(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
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

  return router;
}
