/**
 * The ICOM face's stream (/api/v1/out/{ispb}/stream/...): parse, call the
 * engine, shape ISO 20022 XML — one message as application/xml with its
 * PI-ResourceId header, or up to 10 as multipart/mixed parts each carrying
 * Content-Type and PI-ResourceId — with PI-Pull-Next on every 200 and 204.
 * DELETE answers 200 with no body; clients take 200 and 410 alike as closed.
 */
import { Router, type Request, type Response } from 'express';
import type { Delivery, PullOptions, StreamService } from '../../stream/service.js';
import { sendCompressible } from '../compress.js';
import { hangUpSignal } from '../hang-up.js';
import { methodNotAllowed, refuseHead } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { renderMultipartMixed } from './multipart.js';
import { APPLICATION_XML, negotiateBatchSize, parseIcomIterationId, parseParticipant } from './params.js';
import { icomPullNextPath, PI_PULL_NEXT, PI_RESOURCE_ID } from './pull-next.js';

const XML_UTF8 = `${APPLICATION_XML}; charset=utf-8`;

async function sendDelivery(res: Response, ispb: string, delivery: Delivery | null, multipart: boolean): Promise<void> {
  if (!delivery || delivery.payload.face !== 'icom') return; // the client is gone
  annotateLog(res, { streamId: delivery.streamId, pullNext: delivery.iterationId });
  res.setHeader(PI_PULL_NEXT, icomPullNextPath(ispb, delivery.iterationId));
  res.setHeader('Cache-Control', 'no-store');
  const { messages } = delivery.payload;
  if (messages.length === 0) {
    res.status(204).end();
  } else if (multipart || messages.length > 1) {
    // A replayed batch is sent whole even if this retry asked for one message.
    const parts = messages.map((message) => ({ headers: { 'Content-Type': XML_UTF8, [PI_RESOURCE_ID]: message.resourceId }, body: message.xml }));
    const { contentType, body } = renderMultipartMixed(parts);
    await sendCompressible(res, contentType, body);
  } else {
    res.setHeader(PI_RESOURCE_ID, messages[0].resourceId);
    await sendCompressible(res, XML_UTF8, messages[0].xml);
  }
}

function pullOptions(req: Request): PullOptions {
  return { face: 'icom', batchSize: negotiateBatchSize(req.headers.accept) };
}

export function icomStreamRoutes(service: StreamService): Router {
  const router = Router({ caseSensitive: true, strict: true });

  router
    .route('/api/v1/out/:ispb/stream/start')
    .head(refuseHead(['GET']))
    .get(async (req, res) => {
      const ispb = parseParticipant(req.params.ispb);
      annotateLog(res, { ispb });
      const options = pullOptions(req);
      await sendDelivery(res, ispb, await service.start(ispb, options, hangUpSignal(res)), options.batchSize > 1);
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/api/v1/out/:ispb/stream/:iterationId')
    .head(refuseHead(['GET', 'DELETE']))
    .get(async (req, res) => {
      const ispb = parseParticipant(req.params.ispb);
      const iterationId = parseIcomIterationId(req.params.iterationId);
      annotateLog(res, { ispb, iterationId });
      const options = pullOptions(req);
      await sendDelivery(res, ispb, await service.pullNext(ispb, iterationId, options, hangUpSignal(res)), options.batchSize > 1);
    })
    .delete(async (req, res) => {
      const ispb = parseParticipant(req.params.ispb);
      const iterationId = parseIcomIterationId(req.params.iterationId);
      annotateLog(res, { ispb, iterationId });
      annotateLog(res, { streamId: await service.close(ispb, iterationId, 'icom') });
      res.status(200).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  return router;
}
