/** The challenge face's stream: parse, call the engine, shape JSON (one message, or multipart/json batches) with Pull-Next. */
import { Router, type Request, type Response } from 'express';
import type { Delivery, StreamService } from '../../stream/service.js';
import { hangUpSignal } from '../hang-up.js';
import { methodNotAllowed, refuseHead } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { acceptsMultipart, MULTIPART_BATCH_SIZE, MULTIPART_JSON, parseIspb, parseIterationId } from './params.js';
import { PULL_NEXT, pullNextPath } from './pull-next.js';

function sendDelivery(res: Response, ispb: string, delivery: Delivery | null, multipart: boolean): void {
  if (!delivery) return; // the client is gone
  annotateLog(res, { streamId: delivery.streamId, pullNext: delivery.iterationId });
  res.setHeader(PULL_NEXT, pullNextPath(ispb, delivery.iterationId));
  res.setHeader('Cache-Control', 'no-store');
  if (delivery.count === 0) {
    res.status(204).end();
  } else if (multipart || delivery.count > 1) {
    // A replayed batch is sent whole even if this retry asked for single messages.
    res.status(200).type(MULTIPART_JSON).send(`[${delivery.bodies}]`);
  } else {
    res.status(200).type('application/json').send(delivery.bodies);
  }
}

function batchSize(req: Request): number {
  return acceptsMultipart(req.headers.accept) ? MULTIPART_BATCH_SIZE : 1;
}

export function streamRoutes(service: StreamService): Router {
  const router = Router({ caseSensitive: true, strict: true });

  router
    .route('/api/pix/:ispb/stream/start')
    .head(refuseHead(['GET']))
    .get(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const size = batchSize(req);
      sendDelivery(res, ispb, await service.start(ispb, size, hangUpSignal(res)), size > 1);
    })
    .all(methodNotAllowed(['GET']));

  const stop = async (req: Request<{ ispb: string }>, res: Response) => {
    const ispb = parseIspb(req.params.ispb);
    annotateLog(res, { ispb });
    res.json({ ispb, closed: await service.stopAll(ispb) });
  };
  router.route('/api/pix/:ispb/stream/stop').head(refuseHead(['GET', 'DELETE'])).get(stop).delete(stop).all(methodNotAllowed(['GET', 'DELETE']));

  router
    .route('/api/pix/:ispb/stream/:iterationId')
    .head(refuseHead(['GET', 'DELETE']))
    .get(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const iterationId = parseIterationId(req.params.iterationId);
      annotateLog(res, { ispb, iterationId });
      const size = batchSize(req);
      sendDelivery(res, ispb, await service.pullNext(ispb, iterationId, size, hangUpSignal(res)), size > 1);
    })
    .delete(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const iterationId = parseIterationId(req.params.iterationId);
      annotateLog(res, { ispb, iterationId });
      annotateLog(res, { streamId: await service.close(ispb, iterationId) });
      res.json({ ispb, closed: true });
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  return router;
}
