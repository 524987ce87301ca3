/**
 * Virtual participants (docs/virtual-participants.md), JSON:
 *   PUT    /api/util/virtual/{ispb}                 a profile: makes {ispb} a participant pix-stream plays (201 new, 200 changed)
 *   GET    /api/util/virtual/{ispb}                 its profile
 *   DELETE /api/util/virtual/{ispb}                 ends it (204)
 *   POST   /api/util/virtual/{ispb}/payments        {"to", "count", "perSecond", "amount"?, "localInstrument"?}: 202 and the run
 *   GET    /api/util/virtual/{ispb}/payments/{id}   the run: sent so far, state
 */
import { Router, type Request, type Response } from 'express';
import { parseCents } from '../../spi/money.js';
import { NotVirtual, ProfileError, type VirtualParticipants } from '../../virtual/service.js';
import { BadRequest, NotFound } from '../errors.js';
import { methodNotAllowed } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { parseParticipantIspb } from './params.js';

const MAX_COUNT = 1_000_000;
const MAX_PER_SECOND = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The handler, with the service's own errors answered as 400 and 404. */
const mapped = (handler: (req: Request<{ ispb: string }>, res: Response) => Promise<void>) => async (req: Request<{ ispb: string }>, res: Response) => {
  try {
    await handler(req, res);
  } catch (err) {
    if (err instanceof ProfileError) throw new BadRequest(`Bad profile: ${err.message}`);
    if (err instanceof NotVirtual) throw new NotFound(err.message);
    throw err;
  }
};

function parsePayments(ispb: string, body: unknown) {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const usage = 'The body must be {"to": "<ISPB>", "count": <1..1000000>, "perSecond": <0.01..10000>, "amount"?: "<reais with two decimals>", "localInstrument"?: "MANU" | "QRDN"}';
  const unknown = Object.keys(b).find((k) => !['to', 'count', 'perSecond', 'amount', 'localInstrument'].includes(k));
  if (unknown !== undefined) throw new BadRequest(`Unknown field "${unknown.slice(0, 40)}". ${usage}`);
  if (typeof b.to !== 'string' || !/^[0-9A-Z]{8}$/.test(b.to)) throw new BadRequest(`to must be an ISPB of 8 characters of 0-9 and A-Z. ${usage}`);
  if (b.to === ispb) throw new BadRequest(`to must be another participant than the payer ${ispb}`);
  if (!Number.isInteger(b.count) || (b.count as number) < 1 || (b.count as number) > MAX_COUNT) throw new BadRequest(`count must be a whole number from 1 to ${MAX_COUNT}. ${usage}`);
  if (typeof b.perSecond !== 'number' || !(b.perSecond >= 0.01 && b.perSecond <= MAX_PER_SECOND)) throw new BadRequest(`perSecond must be a number from 0.01 to ${MAX_PER_SECOND}. ${usage}`);
  const amountCents = b.amount === undefined ? null : typeof b.amount === 'string' ? parseCents(b.amount) : undefined;
  if (amountCents === undefined || amountCents === 0) throw new BadRequest(`amount must be reais with two decimals above 0, e.g. "10.00". ${usage}`);
  const localInstrument = b.localInstrument ?? 'MANU';
  if (localInstrument !== 'MANU' && localInstrument !== 'QRDN') throw new BadRequest(`localInstrument must be MANU or QRDN (a dynamic QR code, with a TxId). ${usage}`);
  return { ispb, to: b.to, total: b.count as number, perSecond: b.perSecond, amountCents, localInstrument } as const;
}

export function virtualRoutes(virtual: VirtualParticipants): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router
    .route('/api/util/virtual/:ispb')
    .put(
      mapped(async (req, res) => {
        const ispb = parseParticipantIspb(req.params.ispb);
        annotateLog(res, { ispb });
        const { view, created } = await virtual.put(ispb, req.body);
        res.status(created ? 201 : 200).json(view);
      }),
    )
    .get(
      mapped(async (req, res) => {
        const ispb = parseParticipantIspb(req.params.ispb);
        res.setHeader('Cache-Control', 'no-store');
        res.json(await virtual.get(ispb));
      }),
    )
    .delete(
      mapped(async (req, res) => {
        const ispb = parseParticipantIspb(req.params.ispb);
        annotateLog(res, { ispb });
        await virtual.remove(ispb);
        res.status(204).end();
      }),
    )
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT', 'DELETE']));

  router
    .route('/api/util/virtual/:ispb/payments')
    .post(
      mapped(async (req, res) => {
        const ispb = parseParticipantIspb(req.params.ispb);
        annotateLog(res, { ispb });
        const run = await virtual.startPayments(parsePayments(ispb, req.body));
        res.status(202).setHeader('Location', `/api/util/virtual/${ispb}/payments/${run.id}`).json(run);
      }),
    )
    .all(methodNotAllowed(['POST']));

  router
    .route('/api/util/virtual/:ispb/payments/:id')
    .get(async (req, res) => {
      const ispb = parseParticipantIspb(req.params.ispb);
      if (!UUID.test(req.params.id)) throw new BadRequest(`id must be a run's UUID, got "${req.params.id.slice(0, 40)}"`);
      const run = await virtual.payments(ispb, req.params.id);
      if (!run) throw new NotFound(`No payment run ${req.params.id} of ${ispb}`);
      res.setHeader('Cache-Control', 'no-store');
      res.json(run);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
