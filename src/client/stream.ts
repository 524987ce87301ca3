/**
 * One stream as an async iterator. Asking for the next batch is the
 * acknowledgement: the library requests a batch's Pull-Next only when next()
 * is called again, i.e. after the consumer has processed the batch.
 *
 *   starting   GET .../stream/start (429: 'refused', wait Retry-After, again)
 *   streaming  GET the newest Pull-Next; its reply becomes the next batch
 *   retrying   network error, timeout, 5xx: the SAME URI after a pause; the
 *              server replays a batch it already handed out, so nothing is
 *              skipped and nothing doubled
 *   404/410    the stream closed or expired: back to starting (the server
 *              redelivers what it had not seen acknowledged)
 *   closed     DELETE of the newest Pull-Next acknowledged the last batch
 *
 * Stopping (the signal, close(), return()) abandons a long poll not yet
 * answered and cuts pauses short. A reply already arriving is read whole and
 * handed over (the server has claimed it for us), and a start in flight is
 * let finish, one long poll at most: abandoning one whose reply is on its way
 * would leave a stream open until the server's idle timeout. The next call
 * then ends the iteration.
 */
import { closeStream } from './close.js';
import { DedupeWindow } from './dedupe.js';
import { describeReply, StreamError, type Face } from './faces.js';
import { request, RequestAborted, type HttpReply } from './http.js';
import { backoffDelay, pause, retryAfterMs } from './retry.js';
import type { Batch, CloseOptions, CloseOutcome, OpenStreamOptions, StreamEvent, StreamState } from './types.js';

export interface StreamSettings {
  baseUrl: URL;
  startUrl: URL;
  headers: Record<string, string>;
  options: OpenStreamOptions;
}

type Step<M> = IteratorResult<Batch<M>, undefined>;
const DONE = { done: true, value: undefined } as const;

// AsyncIterator + AsyncIterable rather than AsyncIterableIterator<T, TReturn>, whose second parameter TypeScript < 5.6 lacks.
export class PixStream<M> implements AsyncIterator<Batch<M>, undefined>, AsyncIterable<Batch<M>> {
  private currentState: StreamState = 'starting';
  /** Pull-Next that came with the last batch handed out: requesting it acknowledges that batch. */
  private given: string | null = null;
  /** The Pull-Next before `given` on the same stream, which releases the last batch on close. */
  private previous: string | null = null;
  /** Messages handed out and not yet acknowledged: they enter the dedupe window once they are. */
  private handedOut: M[] = [];
  private failures = 0;
  private restartsInARow = 0;
  private pending: Promise<Step<M>> | null = null;
  private closing: Promise<CloseOutcome> | null = null;
  /** Whether the first close() asked to acknowledge; a next() it interrupts closes the same way. */
  private closeAcknowledges: boolean | null = null;
  private readonly stop = new AbortController();
  private readonly dedupe: DedupeWindow | null;
  private readonly onUserAbort = () => this.stop.abort();

  constructor(
    private readonly face: Face<M>,
    private readonly settings: StreamSettings,
  ) {
    const { dedupe, signal } = settings.options;
    this.dedupe = typeof dedupe === 'number' ? new DedupeWindow(dedupe) : (dedupe ?? null);
    if (signal?.aborted) this.stop.abort();
    else signal?.addEventListener('abort', this.onUserAbort, { once: true });
  }

  get state(): StreamState {
    return this.currentState;
  }

  /** The newest Pull-Next handed out (its batch not yet acknowledged); null while no stream is open. */
  get pullNext(): string | null {
    return this.closing ? null : this.given;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<Step<M>> {
    if (this.pending) return Promise.reject(new Error('next() called before the previous next() settled'));
    const step = this.advance().finally(() => (this.pending = null));
    this.pending = step;
    return step;
  }

  /** What `break` out of for-await calls: closes, acknowledging the last batch. */
  async return(): Promise<Step<M>> {
    await this.close();
    return DONE;
  }

  /** Ends the iteration and closes the stream; safe to call more than once (the first call decides). */
  async close(options: CloseOptions = {}): Promise<CloseOutcome> {
    this.closeAcknowledges ??= options.acknowledge ?? true;
    this.stop.abort();
    // A next() in flight settles first: if it hands over a batch, that batch is the last one.
    if (this.pending) await this.pending.catch(() => undefined);
    return this.shut(this.closeAcknowledges);
  }

  private async advance(): Promise<Step<M>> {
    if (this.closing) return DONE;
    if (this.stop.signal.aborted) {
      await this.finish();
      return DONE;
    }
    this.acknowledged();
    let batch: Batch<M> | null;
    try {
      const reply = await this.fetchNext();
      batch = reply && this.take(reply);
    } catch (err) {
      // The consumer asked past its last batch, so that one is acknowledged; a bad reply after it is released.
      await this.finish();
      throw err;
    }
    if (!batch || (batch.status === 204 && this.stop.signal.aborted)) {
      await this.finish();
      return DONE;
    }
    return { done: false, value: batch };
  }

  /** Requests the start or the newest Pull-Next until a 200 or 204; null when stopped. */
  private async fetchNext(): Promise<HttpReply | null> {
    for (;;) {
      if (this.stop.signal.aborted) return null;
      const starting = this.given === null;
      const url = starting ? this.settings.startUrl : new URL(this.given!, this.settings.baseUrl);
      let reply: HttpReply;
      try {
        reply = await request(url, {
          headers: this.settings.headers,
          // A start is let finish (see above); a pull is abandoned until its answer begins.
          signal: starting ? undefined : this.stop.signal,
          timeoutMs: this.settings.options.requestTimeoutMs ?? 130_000,
          agent: this.settings.options.agent,
        });
      } catch (err) {
        if (err instanceof RequestAborted) return null;
        // A lost start reply may leave a stream open on the server: it expires and its batch goes to another collector.
        await this.wait('retrying', url, null, (err as Error).message || String(err));
        continue;
      }
      const status = reply.status;
      if (status === 200 || status === 204) return reply;
      if (starting && status === 429) await this.wait('refused', url, reply);
      else if (status === 410 || (!starting && status === 404)) await this.restart(url, reply, starting);
      else if (status >= 500 || status === 429) await this.wait('retrying', url, reply);
      else throw new StreamError(`GET ${url.pathname} answered ${describeReply(reply)}`, status);
    }
  }

  /** A 200 or 204 becomes a batch, and its Pull-Next the newest. */
  private take(reply: HttpReply): Batch<M> {
    const header = reply.headers[this.face.pullNextHeader];
    const pullNext = Array.isArray(header) ? header[0] : header;
    if (!pullNext) throw new StreamError(`a ${reply.status} reply without a ${this.face.pullNextHeader} header`, reply.status);
    const received = reply.status === 200 ? this.face.parse(reply) : [];
    const fresh = this.dedupe ? received.filter((message) => !this.dedupe!.has(this.face.idOf(message))) : received;
    this.previous = this.given;
    this.given = pullNext;
    this.handedOut = fresh;
    this.currentState = 'streaming';
    this.failures = 0;
    this.restartsInARow = 0;
    return { messages: fresh, pullNext, status: reply.status as 200 | 204, duplicates: received.length - fresh.length };
  }

  /** The batch handed out is acknowledged (or about to be): its ids join the dedupe window. */
  private acknowledged(): void {
    if (this.dedupe) for (const message of this.handedOut) this.dedupe.add(this.face.idOf(message));
    this.handedOut = [];
  }

  /** Counts a failure and pauses: the server's Retry-After when it gave one, else the backoff. */
  private async wait(state: 'refused' | 'retrying', url: URL, reply: HttpReply | null, reason = reply ? describeReply(reply) : ''): Promise<void> {
    this.failures += 1;
    this.currentState = state;
    const attempt = this.failures;
    const delayMs = (reply && retryAfterMs(reply.headers)) ?? backoffDelay(attempt, this.settings.options.backoff);
    this.emit(state === 'refused' ? { type: 'refused', attempt, delayMs, reason } : { type: 'retry', url: url.href, attempt, delayMs, reason });
    await pause(delayMs, this.stop.signal);
  }

  private async restart(url: URL, reply: HttpReply, beforeFirstAnswer: boolean): Promise<void> {
    this.given = null;
    this.previous = null;
    this.currentState = 'starting';
    this.emit({ type: 'restart', url: url.href, reason: describeReply(reply), beforeFirstAnswer });
    // Starting again at once is right after one ended stream; a server that keeps ending them gets a pause.
    this.restartsInARow += 1;
    if (this.restartsInARow > 1) await pause(backoffDelay(this.restartsInARow - 1, this.settings.options.backoff), this.stop.signal);
  }

  /** The iteration ends from inside next(): closed as a close() call asked, else acknowledging. */
  private finish(): Promise<CloseOutcome> {
    return this.shut(this.closeAcknowledges ?? true);
  }

  private shut(acknowledge: boolean): Promise<CloseOutcome> {
    this.closing ??= this.closeOnce(acknowledge);
    return this.closing;
  }

  private async closeOnce(acknowledge: boolean): Promise<CloseOutcome> {
    this.stop.abort();
    this.settings.options.signal?.removeEventListener('abort', this.onUserAbort);
    if (acknowledge) this.acknowledged();
    this.currentState = 'closed';
    if (!this.given) return 'none';
    const target = acknowledge ? this.given : this.previous;
    if (!target) return 'abandoned'; // a first batch not to acknowledge: no earlier URI to close with
    return closeStream(new URL(target, this.settings.baseUrl), this.settings, (event) => this.emit(event));
  }

  private emit(event: StreamEvent): void {
    this.settings.options.onEvent?.(event);
  }
}
