/**
 * One error family. Code throws these; the single Express error handler
 * (lib/problem.ts) turns them into RFC 9457 application/problem+json.
 */

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** Seconds, sent as Retry-After on 429 and 503. */
  readonly retryAfterS?: number;
  readonly headers: Record<string, string> = {};

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = new.target.name;
  }

  /** A relative URI naming the problem kind (RFC 9457 allows relative references). */
  get type(): string {
    return `/problems/${this.title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  }
}

export class BadRequest extends AppError {
  readonly status = 400;
  readonly title = 'Bad Request';
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly title = 'Not Found';
}

export class MethodNotAllowed extends AppError {
  readonly status = 405;
  readonly title = 'Method Not Allowed';
  constructor(detail: string, allowed: readonly string[]) {
    super(detail);
    this.headers.Allow = allowed.join(', ');
  }
}

export class NotAcceptable extends AppError {
  readonly status = 406;
  readonly title = 'Not Acceptable';
}

export class Gone extends AppError {
  readonly status = 410;
  readonly title = 'Gone';
}

export class TooManyRequests extends AppError {
  readonly status = 429;
  readonly title = 'Too Many Requests';
  constructor(detail: string, readonly retryAfterS: number) {
    super(detail);
  }
}

export class ServiceUnavailable extends AppError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
  constructor(detail: string, readonly retryAfterS: number, options?: { cause?: unknown }) {
    super(detail, options);
  }
}
