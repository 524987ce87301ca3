/**
 * The stream's use cases: start, continue (pull next), close, stop. Protocol-
 * free: each HTTP face calls these with its name (a stream is read through the
 * face that opened it, in that face's format) and maps the domain errors.
 *
 * Continue = long poll. Each attempt is one statement (sql/pull-batch.ts):
 * lock the iteration and its stream, acknowledge its batch, claim, record.
 * An attempt after a wake first looks for pending messages (sql/has-pending.ts).
 * Between attempts the request waits on LongPoll, holding no connection,
 * until a NOTIFY for its ISPB, the deadline, shutdown, or its client hanging up.
 * When the deadline passes (or shutdown), a last attempt records an iteration even
 * if empty, so the reply is 204 with a Pull-Next to carry on from.
 * Each attempt and each wait is a span (lib/tracing.ts), a no-op unless tracing is on.
 */
import { v4 as uuidv4 } from 'uuid';
import type { Database } from '../db/database.js';
import type { StreamFace } from '../db/models/stream.js';
import type { Metrics } from '../lib/metrics.js';
import { traced } from '../lib/tracing.js';
import { BatchAcknowledged, CollectorLimit, StreamEnded, UnknownIteration } from './errors.js';
import { completeIcomParts, type IcomMessage } from './icom-parts.js';
import type { LongPoll, WakeReason } from './long-poll.js';
import { ackIteration } from './sql/ack-iteration.js';
import { countOpenStreams, lockCollectorSlots, secondsUntilSlotFrees } from './sql/collector-slots.js';
import { closeOpenStreams, closeStream, expireStream, expireStreamsPastDeadline, type EndedStreams } from './sql/end-streams.js';
import { insertStream } from './sql/insert-stream.js';
import { lockIteration } from './sql/lock-iteration.js';
import type { Payload } from './sql/payload.js';
import { hasPending } from './sql/has-pending.js';
import { pullBatches, type PullRequest, type PullResult } from './sql/pull-batch.js';
import { ClaimFloors, NO_FLOOR } from './claim-floors.js';
import { PullGroups } from './pull-group.js';
import { replayBatch } from './sql/replay-batch.js';
import { judgeIteration, refuseUnusable } from './verdict.js';

export type { StreamFace };

export interface StreamSettings {
  longPollTimeoutMs: number;
  maxCollectorsPerIspb: number;
  streamIdleTimeoutS: number;
}

/** What a pull asks for: which face reads, and how many messages one answer may hold. */
export interface PullOptions {
  face: StreamFace;
  batchSize: number;
}

/** A batch in its face's format: the challenge's JSON joined with commas (an array's inside), or ICOM's XML messages. */
export type DeliveredPayload = { face: 'challenge'; bodies: string } | { face: 'icom'; messages: IcomMessage[] };

export interface Delivery {
  streamId: number;
  /** Id of the pull-next URI handed out with this batch. */
  iterationId: string;
  /** Messages in the batch; 0 means 204. */
  count: number;
  payload: DeliveredPayload;
}

/** Span attributes of one claim attempt: null is "nothing yet, wait" (see attemptClaim). */
const claimOutcome = (delivery: Delivery | null) => ({ 'pix.answered': delivery !== null, 'pix.messages': delivery?.count ?? 0 });
const wakeReason = (reason: WakeReason) => ({ 'pix.wake_reason': reason });

/** Pulls one statement may carry: bounds its size when hundreds of collectors pull at once. */
const MAX_PULL_GROUP = 128;
/**
 * Group statements of one face running at once in a process. Two: while one
 * waits for its commit to reach the disk, the next runs, which keeps a second
 * core's worth of claims going when hundreds of collectors of many ISPBs pull;
 * one, three or four did no better (docs/performance.md, Levers tried and dropped).
 */
const PULL_GROUPS_IN_FLIGHT = 2;

export class StreamService {
  private readonly pulls: Record<StreamFace, PullGroups>;

  constructor(
    private readonly db: Database,
    private readonly longPoll: LongPoll,
    private readonly metrics: Metrics,
    private readonly settings: StreamSettings,
    /** Where claims start reading each ISPB's pending index; dropped by whoever relays notifications (server.ts). */
    private readonly floors: ClaimFloors = new ClaimFloors(),
  ) {
    const groups = (face: StreamFace) => new PullGroups((pulls) => this.runGroup(face, pulls), PULL_GROUPS_IN_FLIGHT, MAX_PULL_GROUP);
    this.pulls = { challenge: groups('challenge'), icom: groups('icom') };
  }

  /** One group's statement, each claim starting at its ISPB's floor, which it then moves. */
  private async runGroup(face: StreamFace, pulls: readonly PullRequest[]): Promise<PullResult[]> {
    this.metrics.pullGroupSize.observe(pulls.length);
    const { results, claimEnds } = await pullBatches(this.db, face, pulls.map((pull) => ({ ...pull, floor: pull.floor ?? this.floors.get(pull.ispb) })));
    for (const end of claimEnds) this.floors.claimed(end.ispb, end.nextFloor);
    return results;
  }

  /** Opens a stream if the ISPB has a free collector slot (streams of both faces count), then delivers its first batch. */
  async start(ispb: string, options: PullOptions, signal: AbortSignal): Promise<Delivery | null> {
    const rootId = uuidv4();
    let reaped: EndedStreams | undefined;
    const streamId = await this.db.transaction(async (client) => {
      await lockCollectorSlots(client, ispb);
      const max = this.settings.maxCollectorsPerIspb;
      const open = () => insertStream(client, ispb, options.face, rootId, this.settings.streamIdleTimeoutS);
      if ((await countOpenStreams(client, ispb)) < max) return open();
      // At the limit: a crashed collector's stream may be holding a slot, reap before refusing.
      reaped = await expireStreamsPastDeadline(client, ispb);
      if ((await countOpenStreams(client, ispb)) < max) return open();
      const retryAfterS = await secondsUntilSlotFrees(client, ispb);
      this.metrics.streamsRefused.inc({ face: options.face });
      throw new CollectorLimit(ispb, max, retryAfterS);
    });
    if (reaped) this.streamsEnded(ispb, 'expired', reaped);
    const delivery = await this.pullNext(ispb, rootId, options, signal);
    // Hung up before its first answer: the client never saw a Pull-Next to close the stream with.
    if (!delivery) {
      this.streamsEnded(ispb, 'closed', await this.db.transaction((client) => closeStream(client, streamId)));
    }
    return delivery;
  }

  /**
   * Acknowledges the batch delivered with `iterationId` and delivers the next.
   * A retry of an already-answered URI gets the same batch again.
   * Resolves null only when the client hung up while waiting.
   */
  async pullNext(ispb: string, iterationId: string, options: PullOptions, signal: AbortSignal): Promise<Delivery | null> {
    const requested = Date.now();
    const deadline = requested + this.settings.longPollTimeoutMs;
    let notified = false;
    for (;;) {
      const waiter = this.longPoll.subscribe(ispb);
      let full = false;
      try {
        const final = Date.now() >= deadline || this.longPoll.shuttingDown;
        // Woken after the first attempt (which acknowledged): look before claiming, as the wake may
        // have been taken already. Nothing there: wait on, having written nothing.
        if (!notified || final || (await hasPending(this.db, ispb, options.face))) {
          const delivery = await traced('stream.claim', { 'pix.ispb': ispb, 'pix.face': options.face, 'pix.final': final }, () => this.attemptClaim(ispb, iterationId, options, final, notified), claimOutcome);
          if (delivery) {
            const outcome = delivery.count > 0 ? 'messages' : 'empty';
            this.metrics.longPollWait.observe({ outcome, face: options.face }, (Date.now() - requested) / 1000);
            full = delivery.count === options.batchSize;
            return delivery;
          }
        }
        const reason = await traced('stream.long_poll.wait', { 'pix.ispb': ispb }, () => waiter.wait(deadline - Date.now(), signal), wakeReason);
        if (reason === 'aborted') return null;
        notified = reason === 'notified';
      } finally {
        waiter.cancel();
        // A notification wakes one collector (long-poll.ts): a full batch says more may be pending, so wake the next.
        if (full) this.longPoll.notify(ispb);
      }
    }
  }

  /** DELETE of a pull-next URI: acknowledge its batch, close the stream, release anything later. */
  async close(ispb: string, iterationId: string, face: StreamFace): Promise<number> {
    const { streamId, acked, ended } = await this.db.transaction(async (client) => {
      const iteration = await lockIteration(client, iterationId);
      // An older URI may close too: its batch is acknowledged and anything delivered after it released.
      refuseUnusable(judgeIteration(iteration, ispb, face), iteration, iterationId, ispb);
      const acked = await ackIteration(client, iterationId);
      return { streamId: iteration!.streamId, acked, ended: await closeStream(client, iteration!.streamId) };
    });
    this.metrics.messagesAcknowledged.inc({ face }, acked);
    this.streamsEnded(ispb, 'closed', ended);
    return streamId;
  }

  /**
   * Ends the stream `iterationId` belongs to as if its collector had vanished:
   * expired, its unacknowledged batch released to the next stream (the
   * redelivery fault, docs/faults.md). Nothing is acknowledged. Whether a
   * stream was ended (an unknown, foreign or ended one is left to the route).
   */
  async abandon(ispb: string, iterationId: string, face: StreamFace): Promise<boolean> {
    const ended = await this.db.transaction(async (client) => {
      const iteration = await lockIteration(client, iterationId);
      if (!iteration || iteration.ispb !== ispb || iteration.face !== face) return undefined;
      return expireStream(client, iteration.streamId);
    });
    if (ended) this.streamsEnded(ispb, 'expired', ended);
    return (ended?.ended ?? 0) > 0;
  }

  /** Closes every open stream of the ISPB, of both faces; their unacknowledged messages become pending. */
  async stopAll(ispb: string): Promise<number> {
    const ended = await this.db.transaction((client) => closeOpenStreams(client, ispb));
    this.streamsEnded(ispb, 'closed', ended);
    return ended.ended;
  }

  /** One attempt, one statement: null when nothing was claimed and it is not yet time to answer empty. */
  private async attemptClaim(ispb: string, iterationId: string, { face, batchSize }: PullOptions, final: boolean, woken: boolean): Promise<Delivery | null> {
    const started = process.hrtime.bigint();
    const nextId = uuidv4();
    // Woken by a notification, or the last attempt of a long poll: read from the first entry. What woke
    // it may lie below the ISPB's floor, and no one is woken again for it (claim-floors.ts).
    const floor = woken || final ? NO_FLOOR : undefined;
    const result = await this.pulls[face].pull({ iterationId, ispb, face, nextId, limit: batchSize, final, floor });
    this.metrics.claimDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    switch (result.kind) {
      case 'unknown':
        throw new UnknownIteration(iterationId, ispb);
      case 'ended':
        throw new StreamEnded(iterationId, result.status);
      case 'answered-before':
        return this.replay(result.streamId, result.nextId, face);
      case 'nothing-yet':
        this.metrics.messagesAcknowledged.inc({ face }, result.acked);
        return null;
      case 'delivered':
        this.metrics.messagesAcknowledged.inc({ face }, result.acked);
        this.metrics.messagesDelivered.inc({ face }, result.count);
        this.metrics.messagesRedelivered.inc({ face }, result.redelivered);
        return { streamId: result.streamId, iterationId: nextId, count: result.count, payload: await this.ready(result.payload) };
    }
  }

  /** A repeated URI: the batch it answered with before, unless that one has been acknowledged since. */
  private async replay(streamId: number, nextId: string, face: StreamFace): Promise<Delivery> {
    const batch = await replayBatch(this.db, nextId, face);
    if (batch.acked) throw new BatchAcknowledged(nextId);
    return { streamId, iterationId: nextId, count: batch.count, payload: await this.ready(batch.payload) };
  }

  /** ICOM messages stored without XML are rendered now, once (kept for every later delivery). */
  private async ready(payload: Payload): Promise<DeliveredPayload> {
    if (payload.face === 'challenge') return payload;
    return { face: 'icom', messages: await completeIcomParts(this.db, payload.parts) };
  }

  /**
   * After this process ended streams of `ispb`: count them, and drop the ISPB's claim floor if they
   * released messages. Those keep their old seqs, likely below the floor, and a claim of this process
   * (a start that reaped, above all) can run before the release's notification comes back to drop it.
   */
  private streamsEnded(ispb: string, how: 'closed' | 'expired', ended: EndedStreams): void {
    if (ended.released > 0) this.floors.drop(ispb);
    if (ended.ended > 0) this.metrics.streamsEnded.inc({ how }, ended.ended);
  }
}
