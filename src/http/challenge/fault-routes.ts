/**
 * Faults for a participant under test (docs/faults.md), JSON:
 *   PUT    /api/util/faults/{ispb}   turns them on (201 new, 200 changed): throttle, unavailable,
 *                                    latencyMs, resetShare, redeliveryShare, lateAb03S
 *   GET    /api/util/faults/{ispb}   them, and how many of each were injected
 *   DELETE /api/util/faults/{ispb}   turns them off (204)
 */
import { Router, type Request, type Response } from 'express';
import { FaultsError, NoFaults, type FaultSettings } from '../../virtual/fault-settings.js';
import { BadRequest, NotFound } from '../errors.js';
import { methodNotAllowed } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { parseParticipantIspb } from './params.js';

/** The handler with the participant parsed, and the settings' own errors answered as 400 and 404. */
const forParticipant = (handler: (ispb: string, req: Request, res: Response) => Promise<void>) => async (req: Request<{ ispb: string }>, res: Response) => {
  const ispb = parseParticipantIspb(req.params.ispb);
  annotateLog(res, { ispb });
  try {
    await handler(ispb, req, res);
  } catch (err) {
    if (err instanceof FaultsError) throw new BadRequest(`Bad faults: ${err.message}`);
    if (err instanceof NoFaults) throw new NotFound(err.message);
    throw err;
  }
};

export function faultRoutes(settings: FaultSettings): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router
    .route('/api/util/faults/:ispb')
    .put(
      forParticipant(async (ispb, req, res) => {
        const { view, created } = await settings.put(ispb, req.body);
        res.status(created ? 201 : 200).json(view);
      }),
    )
    .get(
      forParticipant(async (ispb, _req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        res.json(await settings.get(ispb));
      }),
    )
    .delete(
      forParticipant(async (ispb, _req, res) => {
        await settings.remove(ispb);
        res.status(204).end();
      }),
    )
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT', 'DELETE']));
  return router;
}
