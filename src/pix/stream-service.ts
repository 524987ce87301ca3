/**
 * The stream's use cases: start, continue (pull next), close, stop.
 *
 * Continue = long poll. Each attempt is one statement (pix/pull-batch.ts):
 * lock the iteration and its stream, acknowledge its batch, claim, record.
 * Between attempts the request waits on LongPoll, holding no connection,
 * until a NOTIFY for its ISPB, the deadline, shutdown, or its client hanging up.
 * When the deadline passes (or shutdown), a last attempt records an iteration even
 * if empty, so the reply is 204 with a Pull-Next to carry on from.
 */
import { v4 as uuidv4 } from 'uuid';
import type { Database, Queryable } from '../db/database.js';
import { Gone, NotFound, TooManyRequests } from '../lib/errors.js';
import type { Metrics } from '../lib/metrics.js';
import type { LongPoll } from './long-poll.js';
import { pullBatch } from './pull-batch.js';
import * as streams from './stream-repository.js';

export interface StreamSettings {
  longPollTimeoutMs: number;
  maxCollectorsPerIspb: number;
  streamIdleTimeoutS: number;
}

export interface Delivery {
  streamId: number;
  /** Id of the pull-next URI handed out with this batch. */
  iterationId: string;
  /** Messages in the batch; 0 means 204. */
  count: number;
  /** Their JSON, in order, joined with commas (an array's inside). */
  bodies: string;
}

export class StreamService {
  constructor(
    private readonly db: Database,
    private readonly longPoll: LongPoll,
    private readonly metrics: Metrics,
    private readonly settings: StreamSettings,
  ) {}

  /** Opens a stream if the ISPB has a free collector slot, then delivers its first batch. */
  async start(ispb: string, batchSize: number, signal: AbortSignal): Promise<Delivery | null> {
    const rootId = uuidv4();
    let reaped: streams.EndedStreams | undefined;
    const streamId = await this.db.transaction(async (client) => {
      await streams.lockCollectorSlots(client, ispb);
      const max = this.settings.maxCollectorsPerIspb;
      const open = () => streams.insertStream(client, ispb, rootId, this.settings.streamIdleTimeoutS);
      if ((await streams.countOpenStreams(client, ispb)) < max) return open();
      // At the limit: a crashed collector's stream may be holding a slot, reap before refusing.
      reaped = await streams.expireIdleStreams(client, ispb);
      if ((await streams.countOpenStreams(client, ispb)) < max) return open();
      const retryAfterS = await streams.secondsUntilSlotFrees(client, ispb);
      this.metrics.streamsRefused.inc();
      throw new TooManyRequests(`ISPB ${ispb} already has ${max} open streams (the limit); close one or retry later`, retryAfterS);
    });
    if (reaped) this.countEnded('expired', reaped);
    const delivery = await this.pullNext(ispb, rootId, batchSize, signal);
    // Hung up before its first answer: the client never saw a Pull-Next to close the stream with.
    if (!delivery) {
      this.countEnded('closed', await this.db.transaction((client) => streams.closeStream(client, streamId)));
    }
    return delivery;
  }

  /**
   * Acknowledges the batch delivered with `iterationId` and delivers the next.
   * A retry of an already-answered URI gets the same batch again.
   * Resolves null only when the client hung up while waiting.
   */
  async pullNext(ispb: string, iterationId: string, batchSize: number, signal: AbortSignal): Promise<Delivery | null> {
    const requested = Date.now();
    const deadline = requested + this.settings.longPollTimeoutMs;
    for (;;) {
      const waiter = this.longPoll.subscribe(ispb);
      try {
        const final = Date.now() >= deadline || this.longPoll.shuttingDown;
        const delivery = await this.attemptClaim(ispb, iterationId, batchSize, final);
        if (delivery) {
          const outcome = delivery.count > 0 ? 'messages' : 'empty';
          this.metrics.longPollWait.observe({ outcome }, (Date.now() - requested) / 1000);
          return delivery;
        }
        const reason = await waiter.wait(deadline - Date.now(), signal);
        if (reason === 'aborted') return null;
      } finally {
        waiter.cancel();
      }
    }
  }

  /** DELETE of a pull-next URI: acknowledge its batch, close the stream, release anything later. */
  async close(ispb: string, iterationId: string): Promise<number> {
    const { streamId, acked, ended } = await this.db.transaction(async (client) => {
      const iteration = await this.lockForIspb(client, ispb, iterationId);
      const acked = await streams.ackIteration(client, iteration.id);
      return { streamId: iteration.streamId, acked, ended: await streams.closeStream(client, iteration.streamId) };
    });
    this.metrics.messagesAcknowledged.inc(acked);
    this.countEnded('closed', ended);
    return streamId;
  }

  /** Closes every open stream of the ISPB; their unacknowledged messages become pending. */
  async stopAll(ispb: string): Promise<number> {
    const ended = await this.db.transaction((client) => streams.closeOpenStreams(client, ispb));
    this.countEnded('closed', ended);
    return ended.ended;
  }

  /** One attempt, one statement: null when nothing was claimed and it is not yet time to answer empty. */
  private async attemptClaim(ispb: string, iterationId: string, batchSize: number, final: boolean): Promise<Delivery | null> {
    const started = process.hrtime.bigint();
    const nextId = uuidv4();
    const result = await pullBatch(this.db, { iterationId, ispb, nextId, limit: batchSize, final });
    this.metrics.claimDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    switch (result.kind) {
      case 'unknown':
        throw new NotFound(`No stream iteration ${iterationId} for ISPB ${ispb}`);
      case 'ended':
        throw new Gone(`The stream of iteration ${iterationId} is ${result.status}; start a new stream`);
      case 'answered-before':
        return this.replay(result.streamId, result.nextId);
      case 'nothing-yet':
        this.metrics.messagesAcknowledged.inc(result.acked);
        return null;
      case 'delivered':
        this.metrics.messagesAcknowledged.inc(result.acked);
        this.metrics.messagesDelivered.inc(result.count);
        this.metrics.messagesRedelivered.inc(result.redelivered);
        return { streamId: result.streamId, iterationId: nextId, count: result.count, bodies: result.bodies };
    }
  }

  private async lockForIspb(client: Queryable, ispb: string, iterationId: string) {
    const iteration = await streams.lockIteration(client, iterationId);
    // Another ISPB's iteration is indistinguishable from an unknown one: no probing across ISPBs.
    if (!iteration || iteration.ispb !== ispb) throw new NotFound(`No stream iteration ${iterationId} for ISPB ${ispb}`);
    if (iteration.streamStatus !== 'open') {
      throw new Gone(`The stream of iteration ${iterationId} is ${iteration.streamStatus}; start a new stream`);
    }
    return iteration;
  }

  /** A repeated URI: the batch it answered with before, unless that one has been acknowledged since. */
  private async replay(streamId: number, nextId: string): Promise<Delivery> {
    const batch = await streams.deliveredBatch(this.db, nextId);
    if (batch.acked) throw new Gone('This pull-next URI was already followed and its batch acknowledged; follow the newest one');
    return { streamId, iterationId: nextId, count: batch.count, bodies: batch.bodies };
  }

  private countEnded(how: 'closed' | 'expired', ended: streams.EndedStreams): void {
    if (ended.ended > 0) this.metrics.streamsEnded.inc({ how }, ended.ended);
  }
}
