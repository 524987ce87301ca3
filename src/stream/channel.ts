/**
 * NOTIFY channel that wakes long polls. The payload is the receiving ISPB.
 * A notification only wakes; the messages table stays the source of truth, so a
 * lost or duplicate notification costs at most one extra claim attempt.
 */
export const MESSAGES_CHANNEL = 'pix_messages';
