/**
 * One collector, as a bank runs one: open a stream, then follow Pull-Next.
 *
 *   starting  -- GET .../stream/start (429: refused, wait Retry-After, again)
 *   streaming -- GET the newest Pull-Next; each reply is written, *then* its
 *                Pull-Next becomes the newest (requesting it acknowledges
 *                the batch, so a batch is acknowledged only once written)
 *   retrying  -- network error or 5xx: the SAME URI again after a pause; the
 *                server replays a batch it already handed out, so nothing is
 *                skipped
 *   410/404   -- the stream is closed or expired: back to starting
 *
 * Stopping (the shared `stop` signal) abandons a long poll that has not been
 * answered yet and cuts pauses short; `pullNext` is then the URI whose batch
 * is written but not yet acknowledged, for the caller to DELETE. A start in
 * flight is let finish (one long poll at most): abandoning one whose reply is
 * already on its way would leave a stream open until the server's idle timeout.
 */
import { apiUrl } from './args.js';
import { describeReply, pause, request, RequestAborted, retryAfterMs, type HttpReply } from './http.js';
import type { NdjsonSink } from './ndjson-sink.js';

export interface PixMessage {
  endToEndId: string;
  [field: string]: unknown;
}

export type CollectorState = 'starting' | 'streaming' | 'refused' | 'retrying';

export interface CollectorContext {
  baseUrl: URL;
  ispb: string;
  accept: string;
  sink: NdjsonSink;
  stop: AbortSignal;
  /** Called after each reply has been taken (written, counted). */
  onReply(collector: Collector, messages: PixMessage[]): void;
  log(message: string): void;
}

/** The server's long poll can be set up to 120 s; no answer within this is a dead connection. */
const REQUEST_TIMEOUT_MS = 130_000;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/** A reply the collector cannot go on from (a 4xx other than 404/410/429, a broken protocol, a failed write). */
export class CollectorFailure extends Error {}

export class Collector {
  state: CollectorState = 'starting';
  received = 0;
  /** Consecutive 204s on the current stream. */
  emptyPolls = 0;
  /** Newest Pull-Next of the open stream; its batch (if any) is written, not yet acknowledged. */
  pullNext: string | null = null;
  private failures = 0;

  constructor(
    readonly id: number,
    private readonly ctx: CollectorContext,
  ) {}

  async run(): Promise<void> {
    while (!this.ctx.stop.aborted) {
      let reply = await this.start();
      while (reply) {
        await this.take(reply);
        if (this.ctx.stop.aborted) return;
        reply = await this.follow(this.pullNext!);
      }
    }
  }

  private async start(): Promise<HttpReply | null> {
    const url = apiUrl(this.ctx.baseUrl, `/api/pix/${this.ctx.ispb}/stream/start`);
    this.state = 'starting';
    this.pullNext = null;
    this.emptyPolls = 0;
    for (;;) {
      if (this.ctx.stop.aborted) return null;
      let reply: HttpReply;
      try {
        reply = await request(url, { headers: { accept: this.ctx.accept }, timeoutMs: REQUEST_TIMEOUT_MS });
      } catch (err) {
        // The start may have opened a stream whose reply we lost: the server expires it and
        // hands its batch to someone else after its idle timeout. Nothing is lost.
        await this.backoff(`stream start failed (${errorText(err)})`);
        continue;
      }
      if (reply.status === 200 || reply.status === 204) {
        this.state = 'streaming';
        this.failures = 0;
        return reply;
      }
      if (reply.status === 429) {
        const waitMs = retryAfterMs(reply);
        if (this.state !== 'refused') this.ctx.log(`collector ${this.id}: the ISPB is at its stream limit (429); retrying every ${seconds(waitMs)}`);
        this.state = 'refused';
        await pause(waitMs, this.ctx.stop);
        continue;
      }
      if (reply.status === 410) {
        // The new stream was closed (say, by /stream/stop) while its first long poll waited.
        this.ctx.log(`collector ${this.id}: stream ended before its first answer (${describeReply(reply)}); starting a new one`);
        continue;
      }
      if (reply.status >= 500) {
        await this.backoff(`stream start answered ${describeReply(reply)}`, reply.status === 503 ? retryAfterMs(reply) : undefined);
        continue;
      }
      throw new CollectorFailure(`collector ${this.id}: stream start answered ${describeReply(reply)}`);
    }
  }

  /** GETs a Pull-Next URI until it answers; null when stopped or the stream is gone. */
  private async follow(path: string): Promise<HttpReply | null> {
    const url = new URL(path, this.ctx.baseUrl);
    for (;;) {
      let reply: HttpReply;
      try {
        reply = await request(url, { headers: { accept: this.ctx.accept }, signal: this.ctx.stop, timeoutMs: REQUEST_TIMEOUT_MS });
      } catch (err) {
        if (err instanceof RequestAborted) return null;
        await this.backoff(`${path} failed (${errorText(err)})`);
        if (this.ctx.stop.aborted) return null;
        continue;
      }
      if (reply.status === 200 || reply.status === 204) {
        this.state = 'streaming';
        this.failures = 0;
        return reply;
      }
      if (reply.status === 410 || reply.status === 404) {
        this.ctx.log(`collector ${this.id}: stream ended (${describeReply(reply)}); starting a new one`);
        return null;
      }
      if (reply.status >= 500) {
        await this.backoff(`${path} answered ${describeReply(reply)}`, reply.status === 503 ? retryAfterMs(reply) : undefined);
        if (this.ctx.stop.aborted) return null;
        continue;
      }
      throw new CollectorFailure(`collector ${this.id}: ${path} answered ${describeReply(reply)}`);
    }
  }

  /** Writes the reply's messages, and only then makes its Pull-Next the newest. */
  private async take(reply: HttpReply): Promise<void> {
    const pullNext = reply.headers['pull-next'];
    if (typeof pullNext !== 'string' || !pullNext) {
      throw new CollectorFailure(`collector ${this.id}: a ${reply.status} reply without a Pull-Next header`);
    }
    const messages = reply.status === 200 ? parseMessages(reply.body, this.id) : [];
    try {
      await this.ctx.sink.write(messages);
    } catch (err) {
      // Not acknowledged. After a start there is no earlier URI to DELETE: the stream expires on the server.
      const fate = this.pullNext ? 'released on close' : "redelivered after the server's idle timeout";
      throw new CollectorFailure(`collector ${this.id}: writing to ${this.ctx.sink.description} failed (${errorText(err)}); that batch is ${fate}`);
    }
    this.pullNext = pullNext;
    this.received += messages.length;
    this.emptyPolls = messages.length === 0 ? this.emptyPolls + 1 : 0;
    this.ctx.onReply(this, messages);
  }

  private async backoff(what: string, waitMs?: number): Promise<void> {
    this.failures += 1;
    this.state = 'retrying';
    const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.failures - 1));
    const delay = waitMs ?? exponential * (0.8 + Math.random() * 0.4);
    // The first failure of a run and then every tenth: an outage should not flood the terminal.
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.ctx.log(`collector ${this.id}: ${what}; retrying in ${seconds(delay)} (attempt ${this.failures})`);
    }
    await pause(delay, this.ctx.stop);
  }
}

/** A 200 body: one message object, or an array of them (multipart/json, or any replayed batch). */
function parseMessages(body: string, id: number): PixMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new CollectorFailure(`collector ${id}: a 200 reply whose body is not JSON`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const item of list) {
    if (!item || typeof (item as PixMessage).endToEndId !== 'string') {
      throw new CollectorFailure(`collector ${id}: a 200 reply with something other than PIX messages`);
    }
  }
  return list as PixMessage[];
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.message || e.code || String(err);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
