import type { RequestHandler } from 'express';
import { MethodNotAllowed } from './errors.js';

/**
 * For `.all()` after a route's handlers: a known path with the wrong method is
 * a 405 naming the allowed ones; OPTIONS gets those names with a 204.
 */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = [...allowed, 'OPTIONS'].join(', ');
  return (req, res) => {
    if (req.method === 'OPTIONS') return void res.setHeader('Allow', allow).status(204).end();
    throw new MethodNotAllowed(`${req.method} is not allowed here; use ${allowed.join(' or ')}`, [...allowed, 'OPTIONS']);
  };
}

/**
 * For `.head()` before a GET with side effects (opening a stream, claiming,
 * acknowledging): Express would otherwise run the GET handler for HEAD and
 * throw the body away, so a probe would take messages nobody receives.
 */
export function refuseHead(allowed: readonly string[]): RequestHandler {
  return () => {
    throw new MethodNotAllowed(
      `HEAD is not allowed here: a GET on this path opens, claims or acknowledges; use ${allowed.join(' or ')}`,
      [...allowed, 'OPTIONS'],
    );
  };
}
