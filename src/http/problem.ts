/**
 * Errors become answers here, for both faces. One table maps the engine's
 * domain errors to HTTP statuses; each face only renders the resulting
 * problem in its own format (problem+json, problem+xml). A client's mistake is
 * never a 500; nothing unexpected leaks a stack or SQL.
 */
import type { ErrorRequestHandler } from 'express';
import { STATUS_CODES } from 'node:http';
import { DatabaseUnavailable } from '../db/errors.js';
import type { Logger } from '../lib/logger.js';
import { TrafficLimit } from '../limits/errors.js';
import { BatchAcknowledged, CollectorLimit, StreamEnded, UnknownIteration } from '../stream/errors.js';
import { HttpError } from './errors.js';

export interface Problem {
  status: number;
  title: string;
  detail: string;
  /** Extra response headers: Allow, Retry-After. */
  headers: Record<string, string>;
}

/** Writes a problem in a face's format; `instance` is the request's path. */
export type ProblemRenderer = (problem: Problem, instance: string) => { contentType: string; body: string };

type DomainErrorClass = abstract new (...args: never[]) => Error;

/** The one table: each domain error's status (fixed, or read off the error), and the headers it carries. */
const DOMAIN_STATUS: [DomainErrorClass, number | ((err: never) => number), ((err: never) => Record<string, string>)?][] = [
  [UnknownIteration, 404],
  [StreamEnded, 410],
  [BatchAcknowledged, 410],
  [CollectorLimit, 429, (err: CollectorLimit) => ({ 'Retry-After': String(err.retryAfterS) })],
  [TrafficLimit, 429, (err: TrafficLimit) => ({ 'Retry-After': String(err.retryAfterS) })],
  [DatabaseUnavailable, 503, (err: DatabaseUnavailable) => ({ 'Retry-After': String(err.retryAfterS) })],
];

export function problem(status: number, detail: string, headers: Record<string, string> = {}): Problem {
  return { status, title: STATUS_CODES[status] ?? 'Error', detail, headers };
}

/** A relative URI naming the problem kind (RFC 9457 allows relative references). */
export function problemType(title: string): string {
  return `/problems/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
}

/** body-parser and friends throw http-errors with a 4xx `status`: a client mistake, not a crash. */
function fromMiddleware(err: unknown): Problem | undefined {
  const status = (err as { status?: unknown })?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const type = (err as { type?: unknown }).type;
  return problem(status, type === 'entity.parse.failed' ? 'Request body is not valid JSON' : String((err as Error).message));
}

/** The problem an error is, or undefined for an unexpected one (a bug: 500). */
export function toProblem(err: unknown): Problem | undefined {
  if (err instanceof HttpError) return { status: err.status, title: err.title, detail: err.message, headers: err.headers };
  for (const [type, status, headers] of DOMAIN_STATUS) {
    if (err instanceof type) return problem(typeof status === 'number' ? status : status(err as never), err.message, headers?.(err as never));
  }
  return fromMiddleware(err);
}

/** The Express error handler; `formatFor` picks the face's format from the request path. */
export function problemHandler(logger: Logger, formatFor: (path: string) => ProblemRenderer): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toProblem(err);
    const answer = known ?? problem(500, 'An unexpected error occurred; it has been logged');
    if (answer.status === 503) logger.warn({ err, method: req.method, url: req.originalUrl }, 'request failed: database unavailable');
    else if (!known) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    const { contentType, body } = formatFor(req.path)(answer, req.originalUrl);
    res.status(answer.status).type(contentType).send(body);
  };
}
