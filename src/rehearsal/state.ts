/** Where a rehearsal stands, as the API and the dashboard both show it. */
import type { Rehearsal } from './sql/rehearsals.js';

export type RehearsalState = 'running' | 'settling' | 'completed' | 'stopped';

/**
 * Running until its end, settling until every instruction sent has had its
 * time to be decided (settledBy: the SPI's timeout after the end, and a
 * margin), then completed; or stopped.
 */
export function rehearsalState(r: Pick<Rehearsal, 'stoppedAt' | 'endsAt' | 'settledBy'>, now: number): RehearsalState {
  if (r.stoppedAt) return 'stopped';
  if (now < r.endsAt.getTime()) return 'running';
  return now < r.settledBy.getTime() ? 'settling' : 'completed';
}

type Header = Pick<Rehearsal, 'id' | 'ispb' | 'perMinute' | 'minutes' | 'startedAt' | 'endsAt' | 'settledBy' | 'stoppedAt'>;

/** What names a rehearsal and says where it stands, in JSON. */
export function rehearsalHeader(r: Header, now: number) {
  return { id: r.id, ispb: r.ispb, perMinute: r.perMinute, minutes: r.minutes, startedAt: r.startedAt.toISOString(), endsAt: r.endsAt.toISOString(), state: rehearsalState(r, now) };
}
