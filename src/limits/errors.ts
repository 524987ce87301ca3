/**
 * What the traffic limit refuses, in its own words; http/problem.ts maps it
 * to 429 with Retry-After, and the face renders it.
 */

/** The participant's token bucket is empty: it sent more than its capacity plus the refill. */
export class TrafficLimit extends Error {
  constructor(readonly ispb: string, readonly capacity: number, readonly refillPerS: number, readonly retryAfterS: number) {
    super(`Participant ${ispb} is over its traffic limit (bursts of ${capacity} requests, ${refillPerS} more per second); retry after ${retryAfterS} s`);
    this.name = 'TrafficLimit';
  }
}
