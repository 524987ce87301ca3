/**
 * The ICOM face's stream (/api/v1/out/{ispb}/stream/...): parse, call the
 * engine, shape ISO 20022 XML — one message as application/xml with its
 * PI-ResourceId header, or up to 10 as multipart/mixed parts each carrying
 * Content-Type and PI-ResourceId — with PI-Pull-Next on every 200 and 204.
 * DELETE answers 200 with no body; clients take 200 and 410 alike as closed.
 */
import { Router, type Response } from 'express';
import type { Delivery, StreamService } from '../../stream/service.js';
import { sendCompressible } from '../compress.js';
import { annotateLog } from '../request-log.js';
import { addIterationRoute, addStartRoute, type StreamFaceRoutes } from '../stream-routes.js';
import { renderMultipartMixed } from './multipart.js';
import { APPLICATION_XML, negotiateBatchSize, parseIcomIterationId, parseParticipant } from './params.js';
import { icomPullNextPath, PI_PULL_NEXT, PI_RESOURCE_ID } from './format.js';

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
    sendCompressible(res, contentType, body);
  } else {
    res.setHeader(PI_RESOURCE_ID, messages[0].resourceId);
    sendCompressible(res, XML_UTF8, messages[0].xml);
  }
}

const icom: StreamFaceRoutes = {
  face: 'icom',
  prefix: '/api/v1/out',
  parseIspb: parseParticipant,
  parseIterationId: parseIcomIterationId,
  pullOptions: (req) => ({ face: 'icom', batchSize: negotiateBatchSize(req.headers.accept) }),
  sendDelivery,
  sendClosed: (res) => void res.status(200).end(),
};

export function icomStreamRoutes(service: StreamService): Router {
  const router = Router({ caseSensitive: true, strict: true });
  addStartRoute(router, icom, service);
  addIterationRoute(router, icom, service);
  return router;
}
