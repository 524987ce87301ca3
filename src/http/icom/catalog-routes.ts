/** ICOM's catalogue (GET /api/v1/in/catalog, /api/v1/out/catalog): the message versions each direction carries, as XML. */
import { Router } from 'express';
import { renderCatalog } from '../../iso20022/catalog.js';
import { sendCompressible } from '../compress.js';
import { methodNotAllowed } from '../methods.js';
import { APPLICATION_XML } from './params.js';

export function icomCatalogRoutes(): Router {
  const router = Router({ caseSensitive: true, strict: true });
  for (const direction of ['in', 'out'] as const) {
    router
      .route(`/api/v1/${direction}/catalog`)
      .get(async (_req, res) => {
        sendCompressible(res, `${APPLICATION_XML}; charset=utf-8`, renderCatalog(direction));
      })
      .all(methodNotAllowed(['GET']));
  }
  return router;
}
