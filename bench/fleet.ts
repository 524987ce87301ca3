/**
 * A fleet of long-polling collectors for the many-ISPBs step: `perIspb`
 * multipart collectors on each ISPB, each on its own keep-alive socket,
 * following Pull-Next until stopped. Unlike the drain, nothing here stops on
 * a count: the fleet stays connected across every probe of the step, and only
 * notes when each message arrived (wall clock, to compare with the database's
 * messages.created_at) and whether it arrived twice.
 */
import { setMaxListeners } from 'node:events';
import { collectorAgent, endToEndIds, isAbort, pullNextOf, sleep, type HttpReply, type Requester } from './http-client.js';
import { progress } from './stats.js';

export class CollectorFleet {
  /** endToEndId -> wall-clock ms (performance.timeOrigin + receivedAt) when its reply had fully arrived. */
  private received = new Map<string, number>();
  private duplicates = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly failures: string[] = [];
  private readonly stopping = new AbortController();
  private running: Promise<void>[] = [];
  private readonly newest: (string | null)[] = [];
  private stopped: Promise<Record<string, number>> | undefined;

  constructor(
    /** A FetchClient: the collectors are Node's fetch with its default headers (gzip answers). */
    private readonly http: Requester,
    readonly ispbs: string[],
    readonly perIspb: number,
  ) {
    setMaxListeners(0, this.stopping.signal); // one listener per waiting request
  }

  get size(): number {
    return this.ispbs.length * this.perIspb;
  }

  start(): void {
    progress(`fleet: opening ${this.size} long polls (${this.ispbs.length} ISPBs x ${this.perIspb}, multipart/json)`);
    this.running = this.ispbs.flatMap((ispb) => Array.from({ length: this.perIspb }, () => this.collect(ispb)));
  }

  /** Forgets what arrived so far (between probes); statuses and failures are kept for the step. */
  reset(): void {
    this.received = new Map();
    this.duplicates = 0;
  }

  receivedAt(endToEndId: string): number | undefined {
    return this.received.get(endToEndId);
  }

  /** Received since the last reset: unique messages, and repeats (must be 0). */
  counts(): { unique: number; duplicates: number } {
    return { unique: this.received.size, duplicates: this.duplicates };
  }

  report(): { statuses: Record<string, number>; failures: string[] } {
    return { statuses: { ...this.statuses }, failures: [...this.failures] };
  }

  /** Hangs up the waiting requests, then DELETEs each collector's newest Pull-Next (acknowledges, closes). */
  /** Once: later calls get the first call's result. */
  stop(): Promise<Record<string, number>> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      await Promise.all(this.running);
      const closes: Record<string, number> = {};
      for (const uri of this.newest) {
        if (!uri) continue;
        const closed = await this.http.request(uri, { method: 'DELETE' });
        closes[closed.status] = (closes[closed.status] ?? 0) + 1;
      }
      return closes;
    })();
    return this.stopped;
  }

  private take(reply: HttpReply): void {
    const at = performance.timeOrigin + reply.receivedAt;
    for (const id of endToEndIds(reply.body)) {
      if (this.received.has(id)) this.duplicates += 1;
      else this.received.set(id, at);
    }
  }

  private async collect(ispb: string): Promise<void> {
    const slot = this.newest.push(null) - 1;
    const agent = collectorAgent();
    let path = `/api/pix/${ispb}/stream/start`;
    try {
      while (!this.stopping.signal.aborted) {
        let reply: HttpReply;
        try {
          reply = await this.http.request(path, { agent, headers: { accept: 'multipart/json' }, signal: this.stopping.signal });
        } catch (err) {
          if (isAbort(err)) break;
          this.failures.push(`${path}: ${(err as Error).message}`);
          await sleep(100); // a dropped connection: retry the same URI (a replay is harmless)
          continue;
        }
        this.statuses[reply.status] = (this.statuses[reply.status] ?? 0) + 1;
        if (reply.status === 200 || reply.status === 204) {
          this.take(reply);
          path = this.newest[slot] = pullNextOf(reply);
        } else if (reply.status >= 500 || reply.status === 429) {
          await sleep(50); // counted in statuses; retry the same URI
        } else {
          this.failures.push(`${path} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
          return;
        }
      }
    } finally {
      agent.destroy();
    }
  }
}
