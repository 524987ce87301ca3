/**
 * The ICOM face's traffic limit, ahead of its routes: a request to
 * /api/v1/(in|out)/{ispb}/... costs that participant one token
 * (limits/traffic-limit.ts); with none left it is answered 429 problem+xml
 * with Retry-After, before any route runs. Matched by shape, not by route, so
 * a route added under /api/v1/in or /api/v1/out is charged without a word here.
 *
 * What is charged, and why:
 * - Every method but HEAD and OPTIONS, one token per request whatever the
 *   answer (a 400, 404, 405 or 410 included): the real interface counts
 *   requests, not successes, and a method added to a route later is charged
 *   without a word here.
 * - HEAD and OPTIONS are free: they never act on this face. HEAD is refused
 *   (405) on every ICOM path, because every ICOM GET has side effects (a new
 *   ICOM GET must refuse HEAD the same way, methods.ts), and OPTIONS only
 *   lists Allow. Neither touches the database, so a token check would cost
 *   more than the answer, and a monitoring probe never spends a
 *   participant's budget.
 * - The ISPB is taken as the route will see it (percent-decoded, as Express
 *   decodes parameters: %41 must not slip past the bucket of "A") and must
 *   pass the route's own rule; otherwise nothing is charged, the route answers
 *   400, and no junk becomes a key.
 */
import type { RequestHandler } from 'express';
import type { TrafficLimiter } from '../../limits/traffic-limit.js';
import { annotateLog } from '../request-log.js';
import { isParticipant } from './params.js';

const FREE_METHODS = new Set(['HEAD', 'OPTIONS']);
const PARTICIPANT_PATH = /^\/api\/v1\/(?:in|out)\/([^/]+)\//;

/** The participant a request is charged to, or undefined when it costs nothing. */
export function chargedParticipant(method: string, path: string): string | undefined {
  if (FREE_METHODS.has(method)) return undefined;
  const segment = PARTICIPANT_PATH.exec(path)?.[1];
  if (segment === undefined) return undefined;
  let ispb: string;
  try {
    ispb = decodeURIComponent(segment);
  } catch {
    return undefined; // malformed escapes: the route answers 400
  }
  return isParticipant(ispb) ? ispb : undefined;
}

export function icomTrafficLimit(limiter: TrafficLimiter): RequestHandler {
  return async (req, res, next) => {
    const ispb = chargedParticipant(req.method, req.path);
    if (ispb !== undefined) {
      annotateLog(res, { ispb }); // a 429 answered here still names its participant in the log
      await limiter.charge(ispb);
    }
    next();
  };
}
