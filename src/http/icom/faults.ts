/**
 * The faults a participant under test asked for (PUT /api/util/faults/{ispb},
 * docs/faults.md), met by its own ICOM requests only, ahead of its routes and
 * of the traffic limit (an injected 429 spends no tokens). The participant is
 * read from the path as the traffic limit reads it. In order:
 *   503 while the unavailable window lasts; 429 in bursts; added latency;
 *   a stream pull's stream ended first (its batch released: the route then
 *   answers 410 and the next stream gets the batch again); the answer's
 *   connection reset halfway through its body.
 * Each one injected is counted (fault-book.ts). Exactly-once is untouched:
 * a reset answer is a lost answer (the collector asks the same Pull-Next URI
 * again and gets the same batch; a sender reposts and gets the same
 * PI-ResourceId), and a released batch is what a lost acknowledgement gives.
 */
import type { RequestHandler, Response } from 'express';
import type { StreamService } from '../../stream/service.js';
import type { FaultBook } from '../../virtual/fault-book.js';
import type { Faults } from '../../virtual/faults.js';
import { InjectedFault } from '../errors.js';
import { chargedParticipant } from './traffic-limit.js';

const PULL = /^\/api\/v1\/out\/[^/]+\/stream\/([0-9a-f-]{36})$/;

/** Makes the answer stop halfway through its body: half is written, then the connection is destroyed. */
function resetMidBody(res: Response): void {
  res.end = ((chunk?: unknown) => {
    const body = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.alloc(0);
    if (body.length < 2) {
      res.socket?.destroy();
      return res;
    }
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
    return res;
  }) as Response['end'];
}

function throttled(book: FaultBook, ispb: string, throttle: NonNullable<Faults['throttle']>): boolean {
  const left = book.bursts.get(ispb) ?? 0;
  if (left > 0) {
    book.bursts.set(ispb, left - 1);
    return true;
  }
  if (Math.random() >= throttle.share) return false;
  book.bursts.set(ispb, throttle.burst - 1);
  return true;
}

export function icomFaults(book: FaultBook, streams: StreamService): RequestHandler {
  return async (req, res, next) => {
    const ispb = chargedParticipant(req.method, req.path);
    const active = ispb === undefined ? undefined : await book.of(ispb);
    if (!ispb || !active) return next();
    const { faults, since } = active;
    if (faults.unavailable && Date.now() < since.getTime() + faults.unavailable.forS * 1000) {
      book.injected(ispb, 'unavailable');
      throw new InjectedFault(503, `Unavailable: a fault ${ispb} asked for (PUT /api/util/faults/${ispb})`, faults.unavailable.retryAfterS);
    }
    if (faults.throttle && throttled(book, ispb, faults.throttle)) {
      book.injected(ispb, 'throttle');
      throw new InjectedFault(429, `Too many requests: a fault ${ispb} asked for (PUT /api/util/faults/${ispb})`, faults.throttle.retryAfterS);
    }
    if (faults.latencyMs > 0) {
      book.injected(ispb, 'latency');
      await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    }
    const pull = req.method === 'GET' ? PULL.exec(req.path) : null;
    if (pull && Math.random() < faults.redeliveryShare && (await streams.abandon(ispb, pull[1]!, 'icom'))) book.injected(ispb, 'redelivery');
    if (Math.random() < faults.resetShare) {
      book.injected(ispb, 'reset');
      resetMidBody(res);
    }
    next();
  };
}
