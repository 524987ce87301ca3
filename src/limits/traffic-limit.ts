/**
 * The ICOM face's traffic limit per participant: a token bucket in
 * PostgreSQL (take-token.ts), so it holds across every API process on the
 * database. Protocol-free: the face decides which requests are charged and
 * to whom (http/icom/traffic-limit.ts) and maps the refusal to 429.
 */
import type { Queryable } from '../db/database.js';
import type { Metrics } from '../lib/metrics.js';
import { TrafficLimit } from './errors.js';
import { takeToken, type BucketSize } from './take-token.js';

export type { BucketSize };

export class TrafficLimiter {
  /**
   * A refused bucket holds less than one token, so the next one is less than
   * 1 / refill seconds away; Retry-After is whole seconds and at least 1, so
   * with any refill of 1 per second or more it is 1.
   */
  private readonly retryAfterS: number;

  constructor(
    private readonly db: Queryable,
    private readonly size: BucketSize,
    private readonly metrics: Metrics,
  ) {
    this.retryAfterS = Math.max(1, Math.ceil(1 / size.refillPerS));
  }

  /** Takes one token from the participant's bucket, or throws TrafficLimit. `ispb` must already be valid: it becomes a key. */
  async charge(ispb: string): Promise<void> {
    if (await takeToken(this.db, ispb, this.size)) return;
    this.metrics.icomRequestsRefused.inc();
    throw new TrafficLimit(ispb, this.size.capacity, this.size.refillPerS, this.retryAfterS);
  }
}
