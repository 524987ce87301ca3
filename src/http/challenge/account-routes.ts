/**
 * The SPI's reserve accounts, for operators and rehearsals (JSON):
 *   GET /api/util/accounts/{ispb}           {ispb, balance, openedAt, updatedAt}
 *   PUT /api/util/accounts/{ispb}           {"balance": "123.45"}: sets it (an adjustment in the ledger)
 *   GET /api/util/accounts/{ispb}/entries   the ledger entries of ?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days,
 *                                           today by default): what a camt.052 names as the statement
 */
import { Router } from 'express';
import { parseCents } from '../../spi/money.js';
import { periodOf } from '../../spi/queries.js';
import type { Accounts } from '../../spi/accounts.js';
import { BadRequest, NotFound } from '../errors.js';
import { methodNotAllowed } from '../methods.js';
import { annotateLog } from '../request-log.js';
import { parseDay, parseParticipantIspb } from './params.js';

const notOpen = (ispb: string) => new NotFound(`${ispb} has no reserve account yet: it opens at SPI_OPENING_BALANCE with its first message, or with a PUT here`);

export function accountRoutes(accounts: Accounts): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router
    .route('/api/util/accounts/:ispb')
    .get(async (req, res) => {
      const ispb = parseParticipantIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const account = await accounts.find(ispb);
      if (!account) throw notOpen(ispb);
      res.setHeader('Cache-Control', 'no-store');
      res.json(account);
    })
    .put(async (req, res) => {
      const ispb = parseParticipantIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const balance = (req.body as { balance?: unknown } | undefined)?.balance;
      const cents = typeof balance === 'string' ? parseCents(balance) : undefined;
      if (cents === undefined) throw new BadRequest('The body must be {"balance": "<reais with two decimals>"}, e.g. {"balance": "1000.00"}');
      res.json(await accounts.setBalance(ispb, cents));
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT']));

  router
    .route('/api/util/accounts/:ispb/entries')
    .get(async (req, res) => {
      const ispb = parseParticipantIspb(req.params.ispb);
      annotateLog(res, { ispb });
      const from = parseDay(req.query.from, 'from');
      const to = parseDay(req.query.to, 'to');
      if (from !== undefined && to !== undefined && to < from) throw new BadRequest(`to (${to}) is before from (${from})`);
      const period = periodOf(from ?? null, to ?? from ?? null, new Date());
      const statement = await accounts.statement(ispb, period.from, period.to);
      if (!statement) throw notOpen(ispb);
      const day = (d: Date) => d.toISOString().slice(0, 10);
      res.setHeader('Cache-Control', 'no-store');
      res.json({ ispb, from: day(period.from), to: day(new Date(period.to.getTime() - 86_400_000)), ...statement });
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
