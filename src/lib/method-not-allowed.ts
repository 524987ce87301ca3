import type { RequestHandler } from 'express';
import { MethodNotAllowed } from './errors.js';

/** For `.all()` after a route's handlers: a known path with the wrong method is a 405 naming the allowed ones. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req) => {
    throw new MethodNotAllowed(`${req.method} is not allowed here; use ${allowed.join(' or ')}`, allowed);
  };
}
