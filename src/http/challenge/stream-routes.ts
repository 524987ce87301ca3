/** The challenge face's stream: parse, call the engine, shape JSON (one message, or multipart/json batches) with Pull-Next. */
import { Router, type Request, type Response } from 'express';
import type { Delivery, PullOptions, StreamService } from '../../stream/service.js';
import { sendCompressible } from '../compress.js';
import { hangUpSignal } from '../hang-up.js';
import { methodNotAllowed, refuseHead } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { acceptsMultipart, MULTIPART_BATCH_SIZE, MULTIPART_JSON, parseIspb, parseIterationId } from './params.js';
import { PULL_NEXT, pullNextPath } from './pull-next.js';

async function sendDelivery(res: Response, ispb: string, delivery: Delivery | null, multipart: boolean): Promise<void> {
  if (!delivery || delivery.payload.face !== 'challenge') return; // the client is gone
  annotateLog(res, { streamId: delivery.streamId, pullNext: delivery.iterationId });
  res.setHeader(PULL_NEXT, pullNextPath(ispb, delivery.iterationId));
  res.setHeader('Cache-Control', 'no-store');
  if (delivery.count === 0) {
    res.status(204).end();
  } else if (multipart || delivery.count > 1) {
    // A replayed batch is sent whole even if this retry asked for single messages.
    await sendCompressible(res, `${MULTIPART_JSON}; charset=utf-8`, `[${delivery.payload.bodies}]`);
  } else {
    await sendCompressible(res, 'application/json; charset=utf-8', delivery.payload.bodies);
  }
}

function pullOptions(req: Request): PullOptions {
  return { face: 'challenge', batchSize: acceptsMultipart(req.headers.accept) ? MULTIPART_BATCH_SIZE : 1 };
}

export function streamRoutes(service: StreamService): Router {
  const router = Router({ caseSensitive: true, strict: true });

  router
    .route('/api/pix/:ispb/stream/start')
    .head(refuseHead(['GET']))
    .get(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const options = pullOptions(req);
      await sendDelivery(res, ispb, await service.start(ispb, options, hangUpSignal(res)), options.batchSize > 1);
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
      const options = pullOptions(req);
      await sendDelivery(res, ispb, await service.pullNext(ispb, iterationId, options, hangUpSignal(res)), options.batchSize > 1);
    })
    .delete(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const iterationId = parseIterationId(req.params.iterationId);
      annotateLog(res, { ispb, iterationId });
      annotateLog(res, { streamId: await service.close(ispb, iterationId, 'challenge') });
      res.json({ ispb, closed: true });
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  return router;
}
