import { Router } from 'express';
import type { Database } from '../db/database.js';
import { methodNotAllowed } from '../lib/method-not-allowed.js';
import { generateMessages } from './message-generator.js';
import { parseIspb, parseMessageCount } from './params.js';

export interface UtilSettings {
  generateSyncMax: number;
}

export function utilRoutes(db: Database, settings: UtilSettings): Router {
  const router = Router();

  router
    .route('/msgs/:ispb/:number')
    .post(async (req, res) => {
      const ispb = parseIspb(req.params.ispb);
      const count = parseMessageCount(req.params.number, settings.generateSyncMax);
      const created = await generateMessages(db, ispb, count);
      res.status(201).json({ ispb, created });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
