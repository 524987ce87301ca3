/**
 * Capacity rehearsals (docs/rehearsal.md), JSON:
 *   POST   /api/util/rehearsals               {"ispb", "perMinute"?, "minutes"?}: 202, the rehearsal and its Location
 *   GET    /api/util/rehearsals/{id}          its state, progress and scorecard so far
 *   GET    /api/util/rehearsals/{id}/report   the same with the charts' data (quantiles over time, histograms)
 *   DELETE /api/util/rehearsals/{id}          stops it: 200 with its last view
 */
import { Router, type Request, type Response } from 'express';
import { buildReport } from '../../rehearsal/report.js';
import { NoRehearsal, RehearsalConflict, RehearsalError, type Rehearsals } from '../../rehearsal/service.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { methodNotAllowed } from '../methods.js';
import { annotateLog } from '../request-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The handler with the rehearsal's id checked, and the service's errors answered as 400, 404 and 409. */
const mapped = (handler: (id: string, req: Request, res: Response) => Promise<void>) => async (req: Request<{ id?: string }>, res: Response) => {
  const id = req.params.id ?? '';
  if (req.params.id !== undefined && !UUID.test(id)) throw new BadRequest(`Malformed rehearsal id "${id.slice(0, 40)}": expected a UUID (the last segment of its Location)`);
  res.setHeader('Cache-Control', 'no-store');
  try {
    await handler(id, req, res);
  } catch (err) {
    if (err instanceof RehearsalError) throw new BadRequest(`Bad rehearsal: ${err.message}`);
    if (err instanceof RehearsalConflict) throw new Conflict(err.message);
    if (err instanceof NoRehearsal) throw new NotFound(err.message);
    throw err;
  }
};

export function rehearsalRoutes(rehearsals: Rehearsals): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router
    .route('/api/util/rehearsals')
    .post(
      mapped(async (_id, req, res) => {
        const view = await rehearsals.start(req.body);
        annotateLog(res, { ispb: view.ispb });
        res.status(202).setHeader('Location', `/api/util/rehearsals/${view.id}`).json(view);
      }),
    )
    .all(methodNotAllowed(['POST']));
  router
    .route('/api/util/rehearsals/:id')
    .get(mapped(async (id, _req, res) => void res.json(await rehearsals.get(id))))
    .delete(mapped(async (id, _req, res) => void res.json(await rehearsals.stop(id))))
    .all(methodNotAllowed(['GET', 'HEAD', 'DELETE']));
  router
    .route('/api/util/rehearsals/:id/report')
    .get(
      mapped(async (id, _req, res) => {
        const { view, samples } = await rehearsals.report(id);
        res.json(buildReport(view, samples));
      }),
    )
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
