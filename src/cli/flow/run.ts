/**
 * `pix-stream flow`: rehearses the PIX flow between two participants through
 * the API's ICOM face and measures it end to end. In one process, on one
 * clock:
 *
 *   payer A      posts N pacs.008 to POST /api/v1/in/A/msgs (payer.ts)
 *   receiver B   collects them (collectors.ts) and answers each with a pacs.002,
 *                ACSP or RJCT (receiver.ts)
 *   payer A      collects the reports (payer.ts)
 *
 * Both sides' collectors start before the first post, as a bank's run all
 * day. The run ends when every transfer is delivered and reported, or, once
 * everything is posted, after --idle-exit seconds with nothing new, or when a
 * side fails, or on SIGINT/SIGTERM; the streams are then closed (their last
 * batches acknowledged) and the summary printed (report.ts).
 *
 * Exit codes: 0 everything arrived once, 1 something missing, doubled,
 * refused or failed, 130 interrupted.
 */
import { setMaxListeners } from 'node:events';
import { formatCount, LiveLine } from '../progress.js';
import type { FlowOptions } from './args.js';
import { runCollectors, type Collectors, type Side } from './collectors.js';
import { Ledger } from './ledger.js';
import { payerHandler, postTransfers } from './payer.js';
import { receiverHandler } from './receiver.js';
import { formatSummary, summarize, type Outcome } from './report.js';

/** How often the end conditions are looked at; completion is also checked on every report batch. */
const WATCH_INTERVAL_MS = 50;
/** Ids the dedupe window of each side holds beyond the run's own: messages of earlier traffic. */
const DEDUPE_MARGIN = 10_000;

export async function flow(options: FlowOptions): Promise<number> {
  const ledger = new Ledger(options.count, options.rejectShare);
  const stop = new AbortController();
  const live = new LiveLine({
    render: () =>
      `${options.payer} → ${options.receiver}  posted ${formatCount(ledger.posted)}/${formatCount(options.count)}  ` +
      `delivered ${formatCount(ledger.delivered)}  reported ${formatCount(ledger.reported)} (${formatCount(ledger.acsp)} ACSP, ${formatCount(ledger.rjct)} RJCT)`,
  });
  // An object, not a `let`: it is set from callbacks, which the compiler's narrowing does not follow.
  const ended: { outcome: Outcome | null } = { outcome: null };
  const sides: Collectors[] = [];
  const end = (why: Outcome) => {
    if (ended.outcome) return;
    ended.outcome = why;
    stop.abort();
    // Collectors whose stream start is still in its long poll are let finish, so that no stream is left open on the server.
    const starting = sides.reduce((sum, side) => sum + side.starting(), 0);
    if (starting > 0) live.log(`closing: waiting for ${starting} stream start(s) still in their long poll (the server's LONG_POLL_TIMEOUT_MS at most)`);
  };
  const fail = (reason: string) => end({ kind: 'failed', reason });
  // Everything waits on this one signal: a listener per stream on each side, and one per post
  // waiting to retry (transfers in flight, answers of each receiver collector); Node warns beyond 10.
  setMaxListeners(3 * options.collectors + options.concurrency + 10, stop.signal);
  const target = { baseUrl: options.baseUrl, gzip: options.gzip, signal: stop.signal };
  const side = (ispb: string, role: string, handle: Side['handle']): Side => ({
    baseUrl: options.baseUrl,
    ispb,
    role,
    collectors: options.collectors,
    signal: stop.signal,
    dedupe: Math.min(2 ** 24, options.count + DEDUPE_MARGIN),
    handle,
    fail,
    log: (message) => live.log(message),
  });

  const answer = receiverHandler({ receiver: options.receiver, rejectReason: options.rejectReason, ledger, target });
  const takeReports = payerHandler(ledger);
  const receiving = runCollectors(side(options.receiver, 'receiver', answer));
  sides.push(receiving);
  const reporting = runCollectors(
    side(options.payer, 'payer', (messages, at, duplicates) => {
      takeReports(messages, at, duplicates);
      if (ledger.complete) end({ kind: 'complete' });
    }),
  );
  sides.push(reporting);
  let postingDoneAt = NaN;
  const posting = postTransfers(options, ledger, target).then(
    () => (postingDoneAt = performance.now()),
    (err: unknown) => {
      postingDoneAt = performance.now();
      fail(`posting transfers: ${(err as Error).message ?? String(err)}`);
    },
  );

  const watch = setInterval(() => {
    if (ledger.complete) end({ kind: 'complete' });
    else if (!Number.isNaN(postingDoneAt) && performance.now() - Math.max(ledger.lastProgressAt, postingDoneAt) >= options.idleExitMs) end({ kind: 'idle' });
  }, WATCH_INTERVAL_MS);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      live.log(`${signal} again: quitting now; open streams expire on the server and their unacknowledged batches are redelivered`);
      process.exit(130);
    }
    end({ kind: 'interrupted', signal });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  live.start();

  await Promise.all([posting, receiving.done, reporting.done]);
  clearInterval(watch);
  live.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const finalOutcome: Outcome = ended.outcome ?? { kind: 'failed', reason: 'the collectors stopped on their own' };
  const summary = summarize(options, ledger, finalOutcome, { postingDoneAt });
  process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, options));
  if (finalOutcome.kind === 'interrupted') return 130;
  return summary.ok ? 0 : 1;
}
