/** The client library's public shapes (besides the messages, in faces.ts). */
import type { Agent } from 'node:http';
import type { DedupeWindow } from './dedupe.js';
import type { FaceName } from './faces.js';
import type { BackoffOptions } from './retry.js';

export interface OpenStreamOptions<F extends FaceName = FaceName> {
  /** The API, e.g. `http://localhost:3000`; a path prefix is kept for the start URI. */
  baseUrl: string | URL;
  /** The receiving institution: 8 digits (challenge) or `[0-9A-Z]{8}` (ICOM). */
  ispb: string;
  face: F;
  /** Batches of up to 10 (`multipart/json`, `multipart/mixed`) instead of one message per request. Default false. */
  multipart?: boolean;
  /** Aborting it ends the iteration and closes the stream (see `PixStream`). */
  signal?: AbortSignal;
  /** Send `Accept-Encoding: gzip` (replies are decompressed either way). Default true. */
  gzip?: boolean;
  /** An http(s).Agent of your own; default a shared keep-alive agent. */
  agent?: Agent;
  /** Extra request headers (authentication, tracing). Accept and Accept-Encoding are the library's. */
  headers?: Record<string, string>;
  /** One request, long poll included, must be answered within this long, else it is retried. Default 130 s. */
  requestTimeoutMs?: number;
  /** Pauses after network errors, timeouts and 5xx without Retry-After. */
  backoff?: BackoffOptions;
  /**
   * Drop redeliveries by id (endToEndId, PI-ResourceId): a window size, or a
   * DedupeWindow shared between streams. Default off.
   */
  dedupe?: number | DedupeWindow;
  /** Told of refusals, retries, restarts and failed closes, e.g. to log them. */
  onEvent?: (event: StreamEvent) => void;
}

export interface Batch<M> {
  /** In the order the server sent them; empty on 204 (and when every message was a dropped duplicate). */
  messages: M[];
  /** The URI whose request acknowledges this batch (the library requests it when you ask for the next one). */
  pullNext: string;
  status: 200 | 204;
  /** Messages dropped from this batch by the dedupe window. */
  duplicates: number;
}

/**
 *   starting   a stream start is in flight (or about to be)
 *   refused    the ISPB is at its collector limit (429): waiting Retry-After to start again
 *   streaming  a stream is open; a long poll may be in flight
 *   retrying   waiting to repeat a request that failed (network, timeout, 5xx)
 *   closed     the iteration is over
 */
export type StreamState = 'starting' | 'refused' | 'streaming' | 'retrying' | 'closed';

export type StreamEvent =
  /** A start answered 429; `attempt` counts the refusals in a row. */
  | { type: 'refused'; attempt: number; delayMs: number; reason: string }
  /** A request failed; the same URI is repeated after `delayMs`. */
  | { type: 'retry'; url: string; attempt: number; delayMs: number; reason: string }
  /** The stream is gone (404/410); a new one is started. `beforeFirstAnswer`: it was the start that answered 410. */
  | { type: 'restart'; url: string; reason: string; beforeFirstAnswer: boolean }
  /** The closing DELETE failed: the stream expires on the server and its last batch is delivered again. */
  | { type: 'close-failed'; url: string; reason: string };

/**
 *   closed          DELETE answered 200
 *   already-ended   DELETE answered 410: the stream had closed or expired (its last batch may come again)
 *   abandoned       close({ acknowledge: false }) on a stream's first batch: no URI releases it, the stream expires
 *   failed          the DELETE did not get through (see the close-failed event)
 *   none            no stream was open
 */
export type CloseOutcome = 'closed' | 'already-ended' | 'abandoned' | 'failed' | 'none';

export interface CloseOptions {
  /**
   * Default true: the last batch is acknowledged (DELETE of its Pull-Next).
   * False: it is not, and the server hands it out again (DELETE of the URI
   * before it, which releases it at once; for a stream's first batch there is
   * none, so the stream is left to expire).
   */
  acknowledge?: boolean;
}
