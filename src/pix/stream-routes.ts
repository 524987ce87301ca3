import { Router, type Request, type Response } from 'express';
import { methodNotAllowed, refuseHead } from '../lib/method-not-allowed.js';
import { acceptsMultipart, MULTIPART_BATCH_SIZE, MULTIPART_JSON, parseIspb, parseIterationId } from './params.js';
import type { Delivery, StreamService } from './stream-service.js';

/** Aborts when the client hangs up before we answered, ending its long poll. */
function hangUpSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function sendDelivery(res: Response, ispb: string, delivery: Delivery | null, multipart: boolean): void {
  if (!delivery) return; // the client is gone
  res.locals.streamId = delivery.streamId;
  res.setHeader('Pull-Next', `/api/pix/${ispb}/stream/${delivery.iterationId}`);
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

export function streamRoutes(service: StreamService): Router {
  const router = Router({ caseSensitive: true, strict: true });

  router
    .route('/api/pix/:ispb/stream/start')
    .head(refuseHead(['GET']))
    .get(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const multipart = acceptsMultipart(req.headers.accept);
      const delivery = await service.start(ispb, multipart ? MULTIPART_BATCH_SIZE : 1, hangUpSignal(res));
      sendDelivery(res, ispb, delivery, multipart);
    })
    .all(methodNotAllowed(['GET']));

  const stop = async (req: Request<{ ispb: string }>, res: Response) => {
    const ispb = parseIspb(req.params.ispb);
    res.json({ ispb, closed: await service.stopAll(ispb) });
  };
  router.route('/api/pix/:ispb/stream/stop').head(refuseHead(['GET', 'DELETE'])).get(stop).delete(stop).all(methodNotAllowed(['GET', 'DELETE']));

  router
    .route('/api/pix/:ispb/stream/:iterationId')
    .head(refuseHead(['GET', 'DELETE']))
    .get(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const iterationId = parseIterationId(req.params.iterationId);
      const multipart = acceptsMultipart(req.headers.accept);
      const delivery = await service.pullNext(ispb, iterationId, multipart ? MULTIPART_BATCH_SIZE : 1, hangUpSignal(res));
      sendDelivery(res, ispb, delivery, multipart);
    })
    .delete(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const iterationId = parseIterationId(req.params.iterationId);
      await service.close(ispb, iterationId);
      res.json({ ispb, closed: true });
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  return router;
}
