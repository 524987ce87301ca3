/**
 * What the stream engine refuses, in its own words. Each HTTP face maps these
 * to its status codes and error format (http/problem.ts); nothing here knows
 * of HTTP. The database being away is db/errors.ts's DatabaseUnavailable.
 */

/** No such iteration, or one of another ISPB (the two are never told apart: no probing across ISPBs). */
export class UnknownIteration extends Error {
  constructor(readonly iterationId: string, readonly ispb: string) {
    super(`No stream iteration ${iterationId} for ISPB ${ispb}`);
    this.name = 'UnknownIteration';
  }
}

/** The iteration's stream was closed or expired. */
export class StreamEnded extends Error {
  constructor(readonly iterationId: string, readonly status: 'closed' | 'expired') {
    super(`The stream of iteration ${iterationId} is ${status}; start a new stream`);
    this.name = 'StreamEnded';
  }
}

/** A repeated pull-next URI whose answer was acknowledged since: following it again would skip nothing, so it is refused. */
export class BatchAcknowledged extends Error {
  constructor(readonly iterationId: string) {
    super('This pull-next URI was already followed and its batch acknowledged; follow the newest one');
    this.name = 'BatchAcknowledged';
  }
}

/** The participant already has its limit of open streams. */
export class CollectorLimit extends Error {
  constructor(readonly ispb: string, readonly limit: number, readonly retryAfterS: number) {
    super(`ISPB ${ispb} already has ${limit} open streams (the limit); close one or retry later`);
    this.name = 'CollectorLimit';
  }
}
