/**
 * `pix-stream collect`: N collectors drain one ISPB into a file (NDJSON, or
 * with --icom one XML message per line), or with --icom --out-dir into one
 * file per message.
 *
 * Runs until SIGINT/SIGTERM, --idle-exit, or a collector failing. Then every
 * collector stops following, and each one's newest Pull-Next is DELETEd: that
 * acknowledges the last batch (already written) and closes the stream, with
 * anything the server handed out after it going back to pending. So the
 * output holds exactly what was acknowledged. A second signal quits at once
 * (open streams then expire on the server, their unacknowledged batches
 * redelivered).
 */
import { DedupeWindow, type ChallengeMessage, type IcomMessage } from '../client/index.js';
import type { CollectOptions } from './args.js';
import { Collector, CollectorFailure } from './collector.js';
import { formatCount, formatDuration, formatRate, LiveLine, RateMeter } from './progress.js';
import { openSink } from './open-sink.js';
import type { CliMessage, Sink } from './sink.js';

/** Message ids remembered for duplicate counting (about 100 bytes each; a JS Set holds at most 2^24). */
const MAX_TRACKED_IDS = 10_000_000;

export async function collect(options: CollectOptions): Promise<number> {
  let sink: Sink<CliMessage>;
  try {
    sink = await openSink(options);
  } catch (err) {
    process.stderr.write(`pix-stream: cannot open ${options.outDir ?? options.out}: ${(err as Error).message}\n`);
    return 1;
  }
  const startedAt = Date.now();
  const stop = new AbortController();
  let stopReason = '';
  const requestStop = (reason: string) => {
    if (stop.signal.aborted) return;
    stopReason = reason;
    stop.abort();
  };

  // Duplicates: endToEndIds (challenge) or PI-ResourceIds (ICOM), in a window of the latest ids.
  const seen = new DedupeWindow(MAX_TRACKED_IDS);
  const idOf = (message: CliMessage) => (options.icom ? (message as IcomMessage).resourceId : (message as ChallengeMessage).endToEndId);
  let total = 0;
  let duplicates = 0;
  /** When the last message was written: the rate counts to it, not to the empty long polls that end a run. */
  let lastMessageAt: number | null = null;
  const rate = new RateMeter();
  const collectors: Collector[] = [];
  const live = new LiveLine({
    render: () =>
      `ISPB ${options.ispb}  ${formatCount(total)} messages  ${formatRate(rate.sample(total))} msg/s  ` +
      `${collectors.filter((c) => c.pullNext).length}/${collectors.length} streams open` +
      (duplicates ? `  ${formatCount(duplicates)} duplicates` : ''),
  });

  const context = {
    baseUrl: options.baseUrl,
    ispb: options.ispb,
    icom: options.icom,
    multipart: options.multipart,
    sink,
    stop: stop.signal,
    log: (message: string) => live.log(message),
    select(messages: CliMessage[]) {
      // The id is the bank's idempotency key: a redelivery after a stream expired shows up here.
      // Counted on both faces; with --icom not written again (one file or line per PI-ResourceId).
      const fresh = messages.filter((message) => !seen.has(idOf(message)));
      duplicates += messages.length - fresh.length;
      for (const message of fresh) seen.add(idOf(message));
      return options.icom ? fresh : messages;
    },
    onReply(_collector: Collector, written: CliMessage[]) {
      total += written.length;
      if (written.length > 0) lastMessageAt = Date.now();
      if (options.idleExit !== null && allIdle(collectors, options.idleExit)) {
        requestStop(`idle: ${options.idleExit} empty long poll(s) in a row on every collector`);
      }
    },
  };
  for (let id = 1; id <= options.collectors; id += 1) collectors.push(new Collector(id, context));

  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      live.log(`${signal} again: quitting now; open streams expire on the server and their unacknowledged batches are redelivered`);
      process.exit(130);
    }
    requestStop(`stopped by ${signal}`);
    const starting = collectors.filter((c) => c.state === 'starting').length;
    if (starting > 0) live.log(`stopping: waiting for ${starting} stream start(s) to answer (one long poll at most); ${signal} again to quit now`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  live.start();

  let failed = false;
  await Promise.all(
    collectors.map((collector) =>
      collector.run().catch((err: unknown) => {
        failed = true;
        live.log(`pix-stream: ${err instanceof CollectorFailure ? err.message : String(err)}`);
        requestStop('a collector failed');
      }),
    ),
  );

  // Each collector closed its own stream as it stopped.
  const outcomes = collectors.map((collector) => collector.outcome);
  for (const collector of collectors) {
    if (collector.outcome === 'already-ended') live.log(`collector ${collector.id}: its stream had already ended (410); its last batch may be delivered again`);
  }
  live.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  try {
    await sink.close();
  } catch (err) {
    process.stderr.write(`pix-stream: closing ${sink.description} failed: ${(err as Error).message}\n`);
    failed = true;
  }

  const durationMs = Date.now() - startedAt;
  const toLastMs = lastMessageAt === null ? null : Math.max(lastMessageAt - startedAt, 1);
  const closed = outcomes.filter((o) => o === 'closed').length;
  const notClosed = outcomes.filter((o) => o !== null && o !== 'closed').length;
  const lines = [
    `pix-stream collect: ISPB ${options.ispb}, ${stopReason}`,
    row('messages', formatCount(total)),
    row('duplicates', formatCount(duplicates) + (seen.count >= MAX_TRACKED_IDS ? ` (within the latest ${formatCount(MAX_TRACKED_IDS)} ids)` : '')),
    row('duration', formatDuration(durationMs)),
    row('rate', toLastMs === null ? '-' : `${formatRate(total / (toLastMs / 1000))} msg/s (${formatDuration(toLastMs)} to the last message)`),
    row('streams', `${closed} closed${notClosed ? `, ${notClosed} not (see above)` : ''}`),
    ...collectors.map((c) => row(`collector ${c.id}`, formatCount(c.received))),
    row('output', sink.description),
  ];
  // With the messages themselves on stdout, the summary goes to stderr.
  (sink.toStdout ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  return failed || outcomes.includes('failed') ? 1 : 0;
}

/** Idle: every collector holding a stream has had `n` empty long polls in a row, and at least one holds one. */
function allIdle(collectors: Collector[], n: number): boolean {
  let streaming = 0;
  for (const c of collectors) {
    if (c.state === 'refused') continue; // holds no stream: another client has the ISPB's slots
    if (c.state !== 'streaming' || c.emptyPolls < n) return false;
    streaming += 1;
  }
  return streaming > 0;
}

function row(label: string, value: string): string {
  return `${label.padEnd(13)} ${value}`;
}
