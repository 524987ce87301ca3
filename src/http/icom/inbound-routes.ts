/**
 * ICOM inbound (POST /api/v1/in/{ispb}/msgs): a participant sends one message
 * (application/xml) or up to 10 (multipart/mixed), optionally gzip-compressed.
 * 201 with PI-ResourceId: one id, or the ids of the parts in order, comma-separated;
 * a part the SPI refuses is answered with an admi.002 on the sender's stream.
 */
import express, { Router } from 'express';
import type { InboundService } from '../../inbound/service.js';
import { methodNotAllowed } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { INBOUND_BODY_LIMIT_BYTES, postedDocuments } from './posted-body.js';
import { parseParticipant } from './params.js';
import { PI_RESOURCE_ID } from './format.js';

// Any media type reaches the route as bytes, so its 415 is the face's own; gzip is inflated within the limit.
const rawBody = express.raw({ type: () => true, limit: INBOUND_BODY_LIMIT_BYTES, inflate: true });

export function icomInboundRoutes(inbound: InboundService): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router
    .route('/api/v1/in/:ispb/msgs')
    .post(rawBody, async (req, res) => {
      const ispb = parseParticipant(req.params.ispb);
      annotateLog(res, { ispb });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { resourceIds, rejected } = await inbound.accept(ispb, postedDocuments(req.headers['content-type'], body));
      if (rejected.length > 0) annotateLog(res, { rejected });
      res.setHeader(PI_RESOURCE_ID, resourceIds.join(', '));
      res.status(201).end();
    })
    .all(methodNotAllowed(['POST']));
  return router;
}
