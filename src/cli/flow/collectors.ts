/**
 * One side's ICOM collectors (either participant's): streams of the client
 * library, multipart/mixed, sharing one dedupe window by PI-ResourceId. Each
 * batch is handled inside the loop, before the next one is asked for, since
 * asking is what acknowledges it: B posts its answers first, so a transfer is
 * never acknowledged unanswered. A handler that fails releases its batch
 * (close without acknowledging) and fails the run; the stop signal ends
 * every stream with a DELETE that acknowledges the last batch handled.
 */
import { DedupeWindow, openStream, type IcomMessage, type PixStream, type StreamEvent } from '../../client/index.js';
import { PostAborted } from './post.js';

export interface Side {
  baseUrl: URL;
  ispb: string;
  /** "payer" or "receiver", for the log. */
  role: string;
  collectors: number;
  signal: AbortSignal;
  /** Dedupe window size: every id of the run fits, so any redelivery is recognised. */
  dedupe: number;
  /** A batch of messages received at `at` (performance.now()); `duplicates` were dropped by the dedupe window. */
  handle(messages: IcomMessage[], at: number, duplicates: number): Promise<void> | void;
  /** A collector could not go on: the run stops and fails. */
  fail(message: string): void;
  log(message: string): void;
}

export interface Collectors {
  /** Settles once every stream is closed. */
  done: Promise<void>;
  /** Streams whose start is still in flight: a stop waits for them (one long poll at most), so none is left open. */
  starting(): number;
}

/** Starts the side's collectors; they run until the signal stops them. */
export function runCollectors(side: Side): Collectors {
  const dedupe = new DedupeWindow(side.dedupe);
  const streams = Array.from({ length: side.collectors }, (_, i) => {
    const me = `${side.role} ${side.ispb} collector ${i + 1}`;
    return { me, stream: openStream({ baseUrl: side.baseUrl, ispb: side.ispb, face: 'icom', multipart: true, signal: side.signal, dedupe, onEvent: (event) => report(side, me, event) }) };
  });
  const done = Promise.all(streams.map(({ me, stream }) => collect(side, stream).catch((err: unknown) => side.fail(`${me}: ${(err as Error).message ?? String(err)}`))));
  return {
    done: done.then(() => undefined),
    starting: () => streams.filter(({ stream }) => stream.state === 'starting').length,
  };
}

async function collect(side: Side, stream: PixStream<IcomMessage>): Promise<void> {
  try {
    for await (const batch of stream) {
      if (batch.messages.length === 0 && batch.duplicates === 0) continue; // an empty long poll
      try {
        await side.handle(batch.messages, performance.now(), batch.duplicates);
      } catch (err) {
        // Not handled (for B: not answered), so not acknowledged: the server hands it out again.
        await stream.close({ acknowledge: false });
        if (err instanceof PostAborted) return; // the run is stopping; nothing failed
        throw err;
      }
    }
  } finally {
    // The first close decides (acknowledging the last batch handled); this one waits for it.
    await stream.close();
  }
}

function report(side: Side, me: string, event: StreamEvent): void {
  switch (event.type) {
    case 'refused':
      if (event.attempt === 1) side.log(`${me}: the ISPB is at its stream limit (429); waiting for a slot`);
      break;
    case 'retry':
      // The first failure and every tenth: an outage should not flood the terminal.
      if (event.attempt === 1 || event.attempt % 10 === 0) side.log(`${me}: ${new URL(event.url).pathname} failed (${event.reason}); retrying (attempt ${event.attempt})`);
      break;
    case 'restart':
      side.log(`${me}: stream ended (${event.reason}); starting a new one`);
      break;
    case 'close-failed':
      side.log(`${me}: could not close its stream (${event.reason}); it expires on the server`);
      break;
  }
}
