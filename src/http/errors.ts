/**
 * Errors of the HTTP layer itself, the same on both faces: a request that
 * cannot be parsed, a client certificate that does not name the participant
 * in the path, a path or method that does not exist, an Accept no
 * representation satisfies. The engine's refusals are domain errors
 * (stream/errors.ts, db/errors.ts); http/problem.ts maps both to statuses.
 */
import { STATUS_CODES } from 'node:http';

export class HttpError extends Error {
  readonly title: string;
  readonly headers: Record<string, string> = {};

  constructor(readonly status: number, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = new.target.name;
    this.title = STATUS_CODES[status] ?? 'Client Error';
  }
}

export class BadRequest extends HttpError {
  constructor(detail: string) {
    super(400, detail);
  }
}

export class Forbidden extends HttpError {
  constructor(detail: string) {
    super(403, detail);
  }
}

export class NotFound extends HttpError {
  constructor(detail: string) {
    super(404, detail);
  }
}

export class Conflict extends HttpError {
  constructor(detail: string) {
    super(409, detail);
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(detail: string, allowed: readonly string[]) {
    super(405, detail);
    this.headers.Allow = allowed.join(', ');
  }
}

export class NotAcceptable extends HttpError {
  constructor(detail: string) {
    super(406, detail);
  }
}

/** A fault the participant asked for (PUT /api/util/faults/{ispb}): a 429 or 503 with Retry-After. */
export class InjectedFault extends HttpError {
  constructor(status: 429 | 503, detail: string, retryAfterS: number) {
    super(status, detail);
    this.headers['Retry-After'] = String(retryAfterS);
  }
}
