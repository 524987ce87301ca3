/**
 * The stream's routes, the same on both faces: start, follow a pull-next URI,
 * close it. Each face says how its parameters parse, how a delivery is shaped
 * and how a close is answered; the handlers here parse, call the engine once,
 * and hand the result to the face.
 */
import type { Request, Response, Router } from 'express';
import type { Delivery, PullOptions, StreamFace, StreamService } from '../stream/service.js';
import { methodNotAllowed, refuseHead } from './methods.js';
import { annotateLog } from './request-log.js';

/** Aborts when the client hangs up before we answered, ending its long poll. */
function hangUpSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

export interface StreamFaceRoutes {
  face: StreamFace;
  /** Paths: `${prefix}/:ispb/stream/start` and `${prefix}/:ispb/stream/:iterationId`. */
  prefix: string;
  parseIspb(raw: string): string;
  parseIterationId(raw: string): string;
  /** Batch size from the request's Accept (or its refusal). */
  pullOptions(req: Request): PullOptions;
  /** Writes a 200 or 204 with the face's pull-next header; nothing when the client is gone (null). */
  sendDelivery(res: Response, ispb: string, delivery: Delivery | null, multipart: boolean): Promise<void>;
  /** The answer to a DELETE that closed the stream. */
  sendClosed(res: Response, ispb: string): void;
}

export function addStartRoute(router: Router, face: StreamFaceRoutes, service: StreamService): void {
  router
    .route(`${face.prefix}/:ispb/stream/start`)
    .head(refuseHead(['GET']))
    .get(async (req, res) => {
      const ispb = face.parseIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const options = face.pullOptions(req);
      await face.sendDelivery(res, ispb, await service.start(ispb, options, hangUpSignal(res)), options.batchSize > 1);
    })
    .all(methodNotAllowed(['GET']));
}

export function addIterationRoute(router: Router, face: StreamFaceRoutes, service: StreamService): void {
  const parse = (req: Request<{ ispb: string; iterationId: string }>, res: Response) => {
    const ispb = face.parseIspb(req.params.ispb);
    const iterationId = face.parseIterationId(req.params.iterationId);
    annotateLog(res, { ispb, iterationId });
    return { ispb, iterationId };
  };
  router
    .route(`${face.prefix}/:ispb/stream/:iterationId`)
    .head(refuseHead(['GET', 'DELETE']))
    .get(async (req, res) => {
      const { ispb, iterationId } = parse(req, res);
      const options = face.pullOptions(req);
      await face.sendDelivery(res, ispb, await service.pullNext(ispb, iterationId, options, hangUpSignal(res)), options.batchSize > 1);
    })
    .delete(async (req, res) => {
      const { ispb, iterationId } = parse(req, res);
      annotateLog(res, { streamId: await service.close(ispb, iterationId, face.face) });
      face.sendClosed(res, ispb);
    })
    .all(methodNotAllowed(['GET', 'DELETE']));
}
