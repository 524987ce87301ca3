/**
 * NOTIFY channel that wakes long polls. The payload is the receiving ISPB,
 * followed, when the notifying API process has already woken its own waiters
 * (wakes.ts), by a space and that process's tag.
 * A notification only wakes; the messages table stays the source of truth, so a
 * lost or duplicate notification costs at most one extra claim attempt.
 */
export const MESSAGES_CHANNEL = 'pix_messages';

export interface Notification {
  ispb: string;
  /** The tag of the API process that sent it after waking its own waiters; undefined from a notifying transaction. */
  from?: string;
}

export function readNotification(payload: string): Notification {
  const [ispb, from] = payload.split(' ', 2);
  return { ispb, from };
}
