/** Waiting between attempts: exponential backoff with jitter, Retry-After, and sleeps a signal cuts short. */
import type { IncomingHttpHeaders } from 'node:http';

export interface BackoffOptions {
  /** First pause after a failure (default 250 ms). */
  initialMs?: number;
  /** Longest pause; the exponential series stops growing here (default 10 s). */
  maxMs?: number;
}

/** Longest Retry-After obeyed as given; a larger one (a misconfigured proxy, say) is cut to this. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * The pause before attempt `failures + 1`: doubling from initialMs up to maxMs,
 * then ±20 % at random, so collectors that failed together (an API restart)
 * do not come back in lockstep.
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const exponential = Math.min(max, initial * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

/** Retry-After in milliseconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(headers: IncomingHttpHeaders): number | null {
  const raw = headers['retry-after']?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Math.min(MAX_RETRY_AFTER_MS, Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - Date.now()));
}

/** A sleep that a signal cuts short (resolves, never rejects). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
