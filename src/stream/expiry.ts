/**
 * Expiry: a stream unseen for its idle timeout is expired and its
 * unacknowledged batch goes back to pending, first in line for the next
 * collector. So no message is lost to a crashed collector, and none is ever in
 * two open streams. Scheduled by jobs/expire-idle-streams.ts; a start at the
 * collector limit also reaps its own ISPB first (service.ts).
 */
import type { Database } from '../db/database.js';
import type { Metrics } from '../lib/metrics.js';
import { expireStreamsPastDeadline, type EndedStreams } from './sql/end-streams.js';

/** Expires every idle stream of every ISPB; returns how many ended and how many messages went back to pending. */
export async function expireIdleStreams(db: Database, metrics: Metrics): Promise<EndedStreams> {
  const ended = await db.transaction((client) => expireStreamsPastDeadline(client, null));
  if (ended.ended > 0) metrics.streamsEnded.inc({ how: 'expired' }, ended.ended);
  return ended;
}
