/**
 * The stream's use cases: start, continue (pull next), close, stop.
 *
 * Continue = long poll. Each attempt is one short transaction: lock the
 * iteration and its stream, acknowledge its batch (first attempt only),
 * claim. Between attempts the request waits on LongPoll, holding no connection,
 * until a NOTIFY for its ISPB, the deadline, shutdown, or its client hanging up.
 * When the deadline passes (or shutdown), a last attempt records an iteration even
 * if empty, so the reply is 204 with a Pull-Next to carry on from.
 */
import { v4 as uuidv4 } from 'uuid';
import type { Database, Queryable } from '../db/database.js';
import { Gone, NotFound, TooManyRequests } from '../lib/errors.js';
import type { LongPoll } from './long-poll.js';
import * as streams from './stream-repository.js';

export interface StreamSettings {
  longPollTimeoutMs: number;
  maxCollectorsPerIspb: number;
  streamIdleTimeoutS: number;
}

export interface Delivery {
  /** Id of the pull-next URI handed out with this batch. */
  iterationId: string;
  /** Message JSON texts, in order; empty means 204. */
  bodies: string[];
}

export class StreamService {
  constructor(
    private readonly db: Database,
    private readonly longPoll: LongPoll,
    private readonly settings: StreamSettings,
  ) {}

  /** Opens a stream if the ISPB has a free collector slot, then delivers its first batch. */
  async start(ispb: string, batchSize: number, signal: AbortSignal): Promise<Delivery | null> {
    const rootId = uuidv4();
    const streamId = await this.db.transaction(async (client) => {
      await streams.lockCollectorSlots(client, ispb);
      const max = this.settings.maxCollectorsPerIspb;
      if ((await streams.countOpenStreams(client, ispb)) < max) return streams.insertStream(client, ispb, rootId);
      // At the limit: a crashed collector's stream may be holding a slot, reap before refusing.
      await streams.expireIdleStreams(client, this.settings.streamIdleTimeoutS, ispb);
      if ((await streams.countOpenStreams(client, ispb)) < max) return streams.insertStream(client, ispb, rootId);
      const retryAfterS = await streams.secondsUntilSlotFrees(client, ispb, this.settings.streamIdleTimeoutS);
      throw new TooManyRequests(`ISPB ${ispb} already has ${max} open streams (the limit); close one or retry later`, retryAfterS);
    });
    const delivery = await this.pullNext(ispb, rootId, batchSize, signal);
    // Hung up before its first answer: the client never saw a Pull-Next to close the stream with.
    if (!delivery) await this.db.transaction((client) => streams.closeStream(client, streamId));
    return delivery;
  }

  /**
   * Acknowledges the batch delivered with `iterationId` and delivers the next.
   * A retry of an already-answered URI gets the same batch again.
   * Resolves null only when the client hung up while waiting.
   */
  async pullNext(ispb: string, iterationId: string, batchSize: number, signal: AbortSignal): Promise<Delivery | null> {
    const deadline = Date.now() + this.settings.longPollTimeoutMs;
    for (;;) {
      const waiter = this.longPoll.subscribe(ispb);
      try {
        const final = Date.now() >= deadline || this.longPoll.shuttingDown;
        const delivery = await this.db.transaction(async (client) => {
          const iteration = await this.lockForIspb(client, ispb, iterationId);
          if (iteration.next) return this.replay(client, iteration.next);
          if (!iteration.acked) await streams.ackIteration(client, iteration);
          const nextId = uuidv4();
          const bodies = await streams.claimBatch(client, {
            streamId: iteration.streamId,
            ispb,
            previousId: iteration.id,
            nextId,
            limit: batchSize,
            final,
          });
          return bodies && { iterationId: nextId, bodies };
        });
        if (delivery) return delivery;
        const reason = await waiter.wait(deadline - Date.now(), signal);
        if (reason === 'aborted') return null;
      } finally {
        waiter.cancel();
      }
    }
  }

  /** DELETE of a pull-next URI: acknowledge its batch, close the stream, release anything later. */
  async close(ispb: string, iterationId: string): Promise<void> {
    await this.db.transaction(async (client) => {
      const iteration = await this.lockForIspb(client, ispb, iterationId);
      await streams.ackIteration(client, iteration);
      await streams.closeStream(client, iteration.streamId);
    });
  }

  /** Closes every open stream of the ISPB; their unacknowledged messages become pending. */
  async stopAll(ispb: string): Promise<number> {
    const { ended } = await this.db.transaction((client) => streams.closeOpenStreams(client, ispb));
    return ended;
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

  private async replay(client: Queryable, next: NonNullable<streams.LockedIteration['next']>): Promise<Delivery> {
    if (next.acked) throw new Gone('This pull-next URI was already followed and its batch acknowledged; follow the newest one');
    return { iterationId: next.id, bodies: await streams.batchBodies(client, next.messageIds) };
  }
}
