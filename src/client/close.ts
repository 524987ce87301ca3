/**
 * Closing a stream: DELETE of a Pull-Next acknowledges that URI's batch and
 * closes the stream; anything the server handed out after it goes back to
 * pending. 200 is closed; 410 means it had already closed or expired, which
 * is closed too as far as we can act on it.
 *
 * A few quick attempts, then give up: the stream expires on the server by
 * itself (STREAM_IDLE_TIMEOUT_S) and its unacknowledged batch is delivered
 * again, so a failed close costs a redelivery, never a loss. The DELETE is
 * not cancellable: it *is* the stop.
 */
import { describeReply } from './faces.js';
import { request } from './http.js';
import { pause } from './retry.js';
import type { CloseOutcome, OpenStreamOptions, StreamEvent } from './types.js';

const ATTEMPTS = 5;
const TIMEOUT_MS = 10_000;

export async function closeStream(
  url: URL,
  settings: { headers: Record<string, string>; options: OpenStreamOptions },
  emit: (event: StreamEvent) => void,
): Promise<CloseOutcome> {
  let problem = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      const reply = await request(url, { method: 'DELETE', headers: settings.headers, timeoutMs: TIMEOUT_MS, agent: settings.options.agent });
      if (reply.status === 200) return 'closed';
      if (reply.status === 410) return 'already-ended';
      problem = describeReply(reply);
      // Another 4xx will not change on a retry.
      if (reply.status < 500) break;
    } catch (err) {
      problem = (err as Error).message;
    }
    if (attempt < ATTEMPTS) await pause(250 * attempt);
  }
  emit({ type: 'close-failed', url: url.href, reason: problem });
  return 'failed';
}
