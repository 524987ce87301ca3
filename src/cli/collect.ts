/**
 * `pix-stream collect`: N collectors drain one ISPB into an NDJSON file.
 *
 * Runs until SIGINT/SIGTERM, --idle-exit, or a collector failing. Then every
 * collector stops following, and each one's newest Pull-Next is DELETEd: that
 * acknowledges the last batch (already written) and closes the stream, with
 * anything the server handed out after it going back to pending. So the file
 * holds exactly what was acknowledged. A second signal quits at once (open
 * streams then expire on the server, their unacknowledged batches redelivered).
 */
import type { CollectOptions } from './args.js';
import { Collector, CollectorFailure, type PixMessage } from './collector.js';
import { describeReply, pause, request } from './http.js';
import { NdjsonSink } from './ndjson-sink.js';
import { formatCount, formatDuration, formatRate, LiveLine, RateMeter } from './progress.js';

type Outcome = 'closed' | 'gone' | 'failed';

/** endToEndIds remembered for duplicate counting (about 100 bytes each; a JS Set holds at most 2^24). */
const MAX_TRACKED_IDS = 10_000_000;

export async function collect(options: CollectOptions): Promise<number> {
  let sink: NdjsonSink;
  try {
    sink = await NdjsonSink.open(options.out, options.fsync);
  } catch (err) {
    process.stderr.write(`pix-stream: cannot open ${options.out}: ${(err as Error).message}\n`);
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

  const seen = new Set<string>();
  let total = 0;
  let duplicates = 0;
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
    accept: options.multipart ? 'multipart/json' : 'application/json',
    sink,
    stop: stop.signal,
    log: (message: string) => live.log(message),
    onReply(_collector: Collector, messages: PixMessage[]) {
      for (const message of messages) {
        // endToEndId is the bank's idempotency key: a redelivery after a stream expired shows up here.
        if (seen.has(message.endToEndId)) duplicates += 1;
        else if (seen.size < MAX_TRACKED_IDS) seen.add(message.endToEndId);
      }
      total += messages.length;
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

  const outcomes = await Promise.all(collectors.map((collector) => closeStream(options.baseUrl, collector, live)));
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
  const closed = outcomes.filter((o) => o === 'closed').length;
  const notClosed = outcomes.filter((o) => o !== null && o !== 'closed').length;
  const lines = [
    `pix-stream collect: ISPB ${options.ispb}, ${stopReason}`,
    row('messages', formatCount(total)),
    row('duplicates', formatCount(duplicates) + (seen.size >= MAX_TRACKED_IDS ? ` (among the first ${formatCount(MAX_TRACKED_IDS)} ids)` : '')),
    row('duration', formatDuration(durationMs)),
    row('rate', `${formatRate(total / Math.max(durationMs / 1000, 0.001))} msg/s`),
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

/** DELETE of the collector's newest Pull-Next: acknowledges its (written) batch, closes the stream. */
async function closeStream(baseUrl: URL, collector: Collector, live: LiveLine): Promise<Outcome | null> {
  if (!collector.pullNext) return null;
  const url = new URL(collector.pullNext, baseUrl);
  let problem = '';
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    try {
      const reply = await request(url, { method: 'DELETE', timeoutMs: 10_000 });
      if (reply.status === 200) return 'closed';
      if (reply.status === 410) {
        live.log(`collector ${collector.id}: its stream had already ended (410); its last batch may be delivered again`);
        return 'gone';
      }
      problem = describeReply(reply);
      if (reply.status < 500) break;
    } catch (err) {
      problem = (err as Error).message;
    }
    await pause(500 * attempt);
  }
  live.log(
    `collector ${collector.id}: could not close its stream (${problem}); it expires on the server, ` +
      'and its last batch (already written) will be delivered again',
  );
  return 'failed';
}

function row(label: string, value: string): string {
  return `${label.padEnd(13)} ${value}`;
}
