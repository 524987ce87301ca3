/**
 * Wakes the collectors of ISPBs that just received messages, after the
 * storing transaction committed, instead of a NOTIFY inside it:
 *   - this process's waiters at once, directly (claim floor dropped, one
 *     waiter woken, as for a notification);
 *   - the other API processes by a NOTIFY sent afterwards, in a statement of
 *     its own, tagged with this process so that its own listener skips it.
 *     ISPBs that arrive while one is in flight go together in the next.
 *
 * Why: PostgreSQL lets one notifying transaction commit at a time (a lock on
 * the notification queue, held through the commit's flush to disk), so
 * NOTIFY inside every POST's transaction queued the POSTs' commits one
 * behind the other: past 1,800 posted msg/s that lock (Lock:object) was the
 * database's busiest wait (docs/performance.md, Levers kept).
 *
 * The NOTIFY's own commit does not wait for the disk (synchronous_commit
 * off for that statement): a notification is not data, and a crash loses
 * nothing the messages' commit kept.
 */
import type { Queryable } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import { MESSAGES_CHANNEL } from './channel.js';

const NOTIFY_PEERS = {
  name: 'pix-notify-peers',
  text: `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${MESSAGES_CHANNEL}', ispb || ' ' || $2)
           FROM unnest($1::text[]) AS ispb`,
};

/** What stores messages needs: wake the receivers once the commit is done. */
export interface Waker {
  wake(ispbs: Iterable<string>): void;
}

export class Wakes implements Waker {
  private queued = new Set<string>();
  private sending = false;

  constructor(
    private readonly db: Queryable,
    /** Wakes this process's waiters for one ISPB (what the listener does for a notification). */
    private readonly wakeHere: (ispb: string) => void,
    /** This process's tag in the notifications it sends (readNotification's `from`). */
    readonly tag: string,
    private readonly logger: Logger,
  ) {}

  /** After a commit that made messages pending for these ISPBs. */
  wake(ispbs: Iterable<string>): void {
    for (const ispb of ispbs) {
      this.wakeHere(ispb);
      this.queued.add(ispb);
    }
    this.notifyPeers();
  }

  private notifyPeers(): void {
    if (this.sending || this.queued.size === 0) return;
    const ispbs = [...this.queued];
    this.queued = new Set();
    this.sending = true;
    this.db
      .query(NOTIFY_PEERS, [ispbs, this.tag])
      .catch((err: unknown) =>
        // Other processes' collectors then find these messages at their next look (at the latest when their long poll ends).
        this.logger.warn({ err, ispbs: ispbs.length }, 'notifying other API processes of new messages failed'),
      )
      .finally(() => {
        this.sending = false;
        this.notifyPeers();
      });
  }
}
