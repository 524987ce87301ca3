/**
 * The rehearsal's summary: counts, end-to-end latencies and rates, as text
 * or as JSON (--json), and the verdict. The run passes when every transfer
 * was delivered once and reported once with the status B gave it, nothing
 * came twice under two PI-ResourceIds, and the API refused nothing.
 * Redeliveries of the same PI-ResourceId are the protocol at work: counted,
 * not failed.
 */
import { formatCount, formatDuration, formatRate } from '../progress.js';
import type { FlowOptions } from './args.js';
import type { Ledger } from './ledger.js';

export type Outcome = { kind: 'complete' } | { kind: 'idle' } | { kind: 'failed'; reason: string } | { kind: 'interrupted'; signal: string };

export interface Stats {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface Timing {
  /** When posting ended (all accepted, or stopped); NaN if it never did. */
  postingDoneAt: number;
}

/** Nearest-rank percentiles in ms, to 0.1 ms; null when there are no samples. */
export function stats(samples: number[]): Stats | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { p50: rank(50), p90: rank(90), p99: rank(99), max: round(sorted[sorted.length - 1]!) };
}

const round = (n: number) => Math.round(n * 10) / 10;
/** Per second over `ms`, null when there is no interval to divide by. */
const rate = (n: number, ms: number) => (ms > 0 && Number.isFinite(ms) ? Math.round((n * 10_000) / ms) / 10 : null);

export function summarize(options: FlowOptions, ledger: Ledger, outcome: Outcome, timing: Timing) {
  const { firstPostAt, lastDeliveredAt, lastReportedAt } = ledger.span();
  const latency = ledger.latencies();
  const problems: string[] = [];
  if (outcome.kind === 'failed') problems.push(outcome.reason);
  if (outcome.kind === 'interrupted') problems.push(`interrupted by ${outcome.signal}`);
  const missingTransfers = ledger.count - ledger.delivered;
  const missingReports = ledger.count - ledger.reported;
  if (ledger.posted < ledger.count) problems.push(`${formatCount(ledger.count - ledger.posted)} transfer(s) not posted`);
  if (missingTransfers > 0) problems.push(`${formatCount(missingTransfers)} transfer(s) not delivered to ${options.receiver}`);
  if (missingReports > 0) problems.push(`${formatCount(missingReports)} report(s) not received by ${options.payer}`);
  if (ledger.doubled.transfers > 0) problems.push(`${formatCount(ledger.doubled.transfers)} transfer(s) delivered twice under different PI-ResourceIds`);
  if (ledger.doubled.reports > 0) problems.push(`${formatCount(ledger.doubled.reports)} report(s) received twice under different PI-ResourceIds`);
  if (ledger.mismatched > 0) problems.push(`${formatCount(ledger.mismatched)} report(s) with another status than the receiver gave`);
  const unconfirmed = ledger.acsc - ledger.confirmed;
  if (unconfirmed > 0) problems.push(`${formatCount(unconfirmed)} settled transfer(s) not confirmed (ACCC) to ${options.receiver}`);
  if (ledger.refusals.length > 0) problems.push(`${formatCount(ledger.refusals.length)} admi.002 refusal(s), the first: ${ledger.refusals[0]}`);
  return {
    payer: options.payer,
    receiver: options.receiver,
    outcome: outcome.kind,
    ok: problems.length === 0,
    problems,
    transfers: {
      count: ledger.count,
      posted: ledger.posted,
      requests: ledger.postRequests,
      delivered: ledger.delivered,
      missing: missingTransfers,
      duplicates: ledger.duplicates.atReceiver,
      doubled: ledger.doubled.transfers,
    },
    reports: {
      answered: ledger.answered,
      received: ledger.reported,
      acsp: ledger.acsp,
      acsc: ledger.acsc,
      rjct: ledger.rjct,
      confirmed: ledger.confirmed,
      rejectReason: options.rejectReason,
      missing: missingReports,
      duplicates: ledger.duplicates.atPayer,
      doubled: ledger.doubled.reports,
      mismatched: ledger.mismatched,
    },
    refusals: ledger.refusals.length,
    other: { atReceiver: ledger.other.atReceiver, atPayer: ledger.other.atPayer },
    latencyMs: { accepted: stats(latency.accepted), delivered: stats(latency.delivered), reported: stats(latency.reported) },
    durationMs: {
      posting: round(timing.postingDoneAt - firstPostAt) || null,
      toLastReport: round(lastReportedAt - firstPostAt) || null,
    },
    perSecond: {
      posted: rate(ledger.posted, timing.postingDoneAt - firstPostAt),
      delivered: rate(ledger.delivered, lastDeliveredAt - firstPostAt),
      reported: rate(ledger.reported, lastReportedAt - firstPostAt),
    },
  };
}

export type FlowSummary = ReturnType<typeof summarize>;

const VERDICT: Record<Outcome['kind'], string> = {
  complete: 'complete',
  idle: 'stopped after the idle timeout',
  failed: 'failed',
  interrupted: 'interrupted',
};

export function formatSummary(s: FlowSummary, options: FlowOptions): string {
  const t = s.transfers;
  const r = s.reports;
  const n = formatCount;
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(1)).padStart(9);
  const latencyRow = (label: string, v: Stats | null) => `  ${label.padEnd(20)}${ms(v?.p50)}${ms(v?.p90)}${ms(v?.p99)}${ms(v?.max)}`;
  const perSecond = (v: number | null) => (v === null ? '-' : `${formatRate(v)}/s`);
  const seconds = (v: number | null) => (v === null ? '-' : formatDuration(v));
  const rejects = Math.round(t.count * options.rejectShare);
  const lines = [
    `pix-stream flow: ${s.payer} pays ${s.receiver}, ${n(t.count)} transfers, ${rejects > 0 ? `${n(rejects)} to be rejected (${r.rejectReason})` : 'none rejected'}: ${VERDICT[s.outcome]}`,
    `transfers    ${n(t.posted)} posted in ${n(t.requests)} requests, ${n(t.delivered)} delivered, ${n(t.missing)} missing, ${n(t.duplicates)} duplicates, ${n(t.doubled)} doubled`,
    `reports      ${n(r.answered)} answered, ${n(r.received)} received (${r.acsc > 0 || r.acsp === 0 ? `${n(r.acsc)} ACSC` : `${n(r.acsp)} ACSP`}, ${n(r.rjct)} RJCT), ${n(r.missing)} missing, ${n(r.duplicates)} duplicates, ${n(r.doubled)} doubled`,
    ...(r.acsc > 0 ? [`settled      ${n(r.acsc)} settled, ${n(r.confirmed)} confirmed to ${s.receiver} (ACCC)`] : []),
    `latency ms                 p50      p90      p99      max`,
    latencyRow('posted → accepted', s.latencyMs.accepted),
    latencyRow('posted → delivered', s.latencyMs.delivered),
    latencyRow('posted → reported', s.latencyMs.reported),
    `rates        posted ${perSecond(s.perSecond.posted)}, delivered ${perSecond(s.perSecond.delivered)}, reported ${perSecond(s.perSecond.reported)}`,
    `duration     posting ${seconds(s.durationMs.posting)}, first post to last report ${seconds(s.durationMs.toLastReport)}`,
  ];
  if (s.other.atReceiver + s.other.atPayer > 0) {
    lines.push(`other        ${n(s.other.atReceiver)} message(s) at ${s.receiver} and ${n(s.other.atPayer)} at ${s.payer} not of this run (acknowledged, not answered)`);
  }
  for (const problem of s.problems) lines.push(`FAILED       ${problem}`);
  return `${lines.join('\n')}\n`;
}
