/**
 * The verdict on an iteration a client names, decided here once for pull and
 * close alike:
 *   unknown          no such iteration, another ISPB's, or a stream of the other face
 *   ended            its stream is closed or expired
 *   answered-before  the URI was requested before (a retry: replay its answer; close may still use it)
 *   current          the stream's newest URI: acknowledge it and claim the next batch
 */
import type { StreamFace } from '../db/models/stream.js';
import { StreamEnded, UnknownIteration } from './errors.js';

export interface IterationFacts {
  ispb: string;
  face: StreamFace;
  streamStatus: 'open' | 'closed' | 'expired';
  /** The iteration handed out when this one was requested; null until then. */
  nextId: string | null;
}

export type Verdict = 'unknown' | 'ended' | 'answered-before' | 'current';

export function judgeIteration(facts: IterationFacts | null, ispb: string, face: StreamFace): Verdict {
  if (!facts || facts.ispb !== ispb || facts.face !== face) return 'unknown';
  if (facts.streamStatus !== 'open') return 'ended';
  return facts.nextId ? 'answered-before' : 'current';
}

/** Throws the engine's error for a verdict no use case can act on. */
export function refuseUnusable(verdict: Verdict, facts: IterationFacts | null, iterationId: string, ispb: string): void {
  if (verdict === 'unknown') throw new UnknownIteration(iterationId, ispb);
  if (verdict === 'ended') throw new StreamEnded(iterationId, facts!.streamStatus as 'closed' | 'expired');
}
