/**
 * One collector, as a bank runs one: a stream of the client library
 * (src/client), each batch written to the sink *before* the next one is
 * asked for, since asking is what acknowledges it. The library does the
 * protocol: start (429: wait Retry-After), follow Pull-Next, repeat the same
 * URI after a network error or 5xx, start again after 404/410, and on the
 * shared `stop` signal close the stream with a DELETE of the newest Pull-Next
 * (a start in flight is let finish first, one long poll at most). Here: the
 * writing, the counting, and the words for the log.
 */
import { openStream, type CloseOutcome, type PixStream, type StreamEvent, type StreamState } from '../client/index.js';
import type { CliMessage, Sink } from './sink.js';

export interface CollectorContext {
  baseUrl: URL;
  ispb: string;
  icom: boolean;
  multipart: boolean;
  sink: Sink<CliMessage>;
  stop: AbortSignal;
  /** Of a batch's messages, those to write (all of them, or all but the duplicates); counts duplicates. */
  select(messages: CliMessage[]): CliMessage[];
  /** Called after each reply has been taken (written, counted). */
  onReply(collector: Collector, written: CliMessage[]): void;
  log(message: string): void;
}

/** A collector that cannot go on (a refused request, a broken reply, a failed write). */
export class CollectorFailure extends Error {}

export class Collector {
  received = 0;
  /** Consecutive 204s on the current stream. */
  emptyPolls = 0;
  /** How its stream ended; null while running, or when it never had one open. */
  outcome: CloseOutcome | null = null;
  private readonly stream: PixStream<CliMessage>;

  constructor(
    readonly id: number,
    private readonly ctx: CollectorContext,
  ) {
    this.stream = openStream({
      baseUrl: ctx.baseUrl,
      ispb: ctx.ispb,
      face: ctx.icom ? 'icom' : 'challenge',
      multipart: ctx.multipart,
      signal: ctx.stop,
      onEvent: (event) => this.report(event),
    }) as PixStream<CliMessage>;
  }

  get state(): StreamState {
    return this.stream.state;
  }

  /** Newest Pull-Next of the open stream (its batch written, not yet acknowledged); null while none is open. */
  get pullNext(): string | null {
    return this.stream.pullNext;
  }

  async run(): Promise<void> {
    try {
      for await (const batch of this.stream) {
        const written = this.ctx.select(batch.messages);
        await this.write(written);
        this.received += written.length;
        this.emptyPolls = batch.status === 204 ? this.emptyPolls + 1 : 0;
        this.ctx.onReply(this, written);
      }
    } catch (err) {
      throw err instanceof CollectorFailure ? err : new CollectorFailure(`collector ${this.id}: ${(err as Error).message}`);
    } finally {
      // The first close decides; this one reads how it went (and closes if nothing did yet).
      const outcome = await this.stream.close();
      this.outcome = outcome === 'none' ? null : outcome;
    }
  }

  private async write(messages: CliMessage[]): Promise<void> {
    try {
      await this.ctx.sink.write(messages);
    } catch (err) {
      // Not written, so not acknowledged: the server hands that batch out again.
      const outcome = await this.stream.close({ acknowledge: false });
      const fate = outcome === 'closed' ? 'released on close' : "redelivered after the server's idle timeout";
      throw new CollectorFailure(`collector ${this.id}: writing to ${this.ctx.sink.description} failed (${(err as Error).message}); that batch is ${fate}`);
    }
  }

  private report(event: StreamEvent): void {
    const me = `collector ${this.id}`;
    switch (event.type) {
      case 'refused':
        // Once per refusal spell: the wait repeats until a slot frees.
        if (event.attempt === 1) this.ctx.log(`${me}: the ISPB is at its stream limit (429); retrying every ${seconds(event.delayMs)}`);
        break;
      case 'retry':
        // The first failure of a run and then every tenth: an outage should not flood the terminal.
        if (event.attempt === 1 || event.attempt % 10 === 0) {
          this.ctx.log(`${me}: ${new URL(event.url).pathname} failed (${event.reason}); retrying in ${seconds(event.delayMs)} (attempt ${event.attempt})`);
        }
        break;
      case 'restart':
        this.emptyPolls = 0;
        this.ctx.log(`${me}: stream ended ${event.beforeFirstAnswer ? 'before its first answer ' : ''}(${event.reason}); starting a new one`);
        break;
      case 'close-failed':
        this.ctx.log(`${me}: could not close its stream (${event.reason}); it expires on the server, and its last batch (already written) will be delivered again`);
        break;
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
