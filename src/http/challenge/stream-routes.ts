/** The challenge face's stream: JSON (one message, or multipart/json batches) with Pull-Next, and /stream/stop. */
import { Router, type Request, type Response } from 'express';
import type { Delivery, StreamService } from '../../stream/service.js';
import { sendCompressible } from '../compress.js';
import { methodNotAllowed, refuseHead } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { addIterationRoute, addStartRoute, type StreamFaceRoutes } from '../stream-routes.js';
import { acceptsMultipart, MULTIPART_BATCH_SIZE, MULTIPART_JSON, parseIspb, parseIterationId } from './params.js';
import { PULL_NEXT, pullNextPath } from './format.js';

async function sendDelivery(res: Response, ispb: string, delivery: Delivery | null, multipart: boolean): Promise<void> {
  if (!delivery || delivery.payload.face !== 'challenge') return; // the client is gone
  annotateLog(res, { streamId: delivery.streamId, pullNext: delivery.iterationId });
  res.setHeader(PULL_NEXT, pullNextPath(ispb, delivery.iterationId));
  res.setHeader('Cache-Control', 'no-store');
  if (delivery.count === 0) {
    res.status(204).end();
  } else if (multipart || delivery.count > 1) {
    // A replayed batch is sent whole even if this retry asked for single messages.
    sendCompressible(res, `${MULTIPART_JSON}; charset=utf-8`, `[${delivery.payload.bodies}]`);
  } else {
    sendCompressible(res, 'application/json; charset=utf-8', delivery.payload.bodies);
  }
}

const challenge: StreamFaceRoutes = {
  face: 'challenge',
  prefix: '/api/pix',
  parseIspb,
  parseIterationId,
  pullOptions: (req) => ({ face: 'challenge', batchSize: acceptsMultipart(req.headers.accept) ? MULTIPART_BATCH_SIZE : 1 }),
  sendDelivery,
  sendClosed: (res, ispb) => void res.json({ ispb, closed: true }),
};

export function streamRoutes(service: StreamService): Router {
  const router = Router({ caseSensitive: true, strict: true });
  addStartRoute(router, challenge, service);

  // Before /:iterationId, which would otherwise take "stop" as an id.
  const stop = async (req: Request<{ ispb: string }>, res: Response) => {
    const ispb = parseIspb(req.params.ispb);
    annotateLog(res, { ispb });
    res.json({ ispb, closed: await service.stopAll(ispb) });
  };
  router.route('/api/pix/:ispb/stream/stop').head(refuseHead(['GET', 'DELETE'])).get(stop).delete(stop).all(methodNotAllowed(['GET', 'DELETE']));

  addIterationRoute(router, challenge, service);
  return router;
}
