import type { ErrorRequestHandler, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';

export const PROBLEM_JSON = 'application/problem+json';

function problemBody(error: AppError, instance: string): string {
  return JSON.stringify({ type: error.type, title: error.title, status: error.status, detail: error.message, instance });
}

export function sendProblem(res: Response, error: AppError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  if (error.retryAfterS !== undefined) res.setHeader('Retry-After', String(error.retryAfterS));
  res
    .status(error.status)
    .type(PROBLEM_JSON)
    .send(problemBody(error, res.req.originalUrl));
}

/** An error answered outside Express (see http/edge.ts), in problem+json. */
export function rawProblemJson(status: number, detail: string, path: string): { contentType: string; body: string } {
  return { contentType: PROBLEM_JSON, body: problemBody(new ClientError(status, detail, undefined), path) };
}

/** body-parser and friends throw http-errors with a 4xx `status`: a client mistake, not a crash. */
function clientErrorFromMiddleware(err: unknown): AppError | undefined {
  const status = (err as { status?: unknown })?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const type = (err as { type?: unknown }).type;
  const detail = type === 'entity.parse.failed' ? 'Request body is not valid JSON' : String((err as Error).message);
  return new ClientError(status, detail, err);
}

class ClientError extends AppError {
  readonly title: string;
  constructor(readonly status: number, detail: string, cause: unknown) {
    super(detail, { cause });
    this.title = STATUS_CODES[status] ?? 'Client Error';
  }
}

class InternalError extends AppError {
  readonly status = 500;
  readonly title = 'Internal Server Error';
}

/** The one place errors become responses. Never leaks stacks or SQL. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof AppError ? err : clientErrorFromMiddleware(err);
    const error = known ?? new InternalError('An unexpected error occurred; it has been logged');
    if (error.status === 503) logger.warn({ err, method: req.method, url: req.originalUrl }, 'request failed: database unavailable');
    else if (error.status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, error);
  };
}
