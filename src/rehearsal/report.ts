/**
 * A rehearsal's report (GET /api/util/rehearsals/{id}/report, the CLI's
 * --json and --html): its scorecard, and its samples folded into what the
 * charts draw: quantiles per time bucket over the run, and histograms.
 */
import type { RehearsalView } from './service.js';
import type { Sample } from './sql/samples.js';

export interface SeriesPoint {
  /** Seconds from the start to the bucket's start. */
  atS: number;
  receiverConsumptionP99Ms: number | null;
  payerConsumptionP99Ms: number | null;
  answerP50Ms: number | null;
  answerP95Ms: number | null;
  instructions: number;
}

export interface Histogram {
  /** Upper bounds of the bins in ms; the last bin holds everything above the last bound. */
  boundsMs: number[];
  counts: number[];
  /** Samples with nothing to measure (never fetched, never answered). */
  missing: number;
}

export interface RehearsalReport {
  rehearsal: RehearsalView;
  bucketSeconds: number;
  series: SeriesPoint[];
  histograms: { receiverConsumption: Histogram; payerConsumption: Histogram; answer: Histogram };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const sortedOf = (values: (number | null)[]) => values.filter((v): v is number => v !== null).sort((a, b) => a - b);

function histogram(values: (number | null)[], stepMs: number, maxMs: number): Histogram {
  const boundsMs = Array.from({ length: Math.round(maxMs / stepMs) }, (_, i) => (i + 1) * stepMs);
  const counts = new Array<number>(boundsMs.length + 1).fill(0);
  let missing = 0;
  for (const v of values) {
    if (v === null) missing++;
    else counts[Math.min(boundsMs.length, Math.max(0, Math.ceil(v / stepMs) - 1))]!++;
  }
  return { boundsMs, counts, missing };
}

/** About 60 points over the run, each at least 5 s wide. */
export function bucketSecondsFor(minutes: number): number {
  return Math.max(5, Math.ceil((minutes * 60) / 60));
}

export function buildReport(rehearsal: RehearsalView, samples: Sample[]): RehearsalReport {
  const bucketSeconds = bucketSecondsFor(rehearsal.minutes);
  const buckets = new Map<number, Sample[]>();
  for (const s of samples) {
    const at = Math.max(0, Math.floor(s.atMs / 1000 / bucketSeconds)) * bucketSeconds;
    const bucket = buckets.get(at);
    if (bucket) bucket.push(s);
    else buckets.set(at, [s]);
  }
  const series = [...buckets.keys()].sort((a, b) => a - b).map((atS): SeriesPoint => {
    const inBucket = buckets.get(atS)!;
    const consumption = (role: Sample['role']) => sortedOf(inBucket.filter((s) => s.role === role).map((s) => s.consumptionMs));
    const answers = sortedOf(inBucket.filter((s) => s.role === 'receiver').map((s) => s.answerMs));
    return {
      atS,
      receiverConsumptionP99Ms: quantile(consumption('receiver'), 0.99),
      payerConsumptionP99Ms: quantile(consumption('payer'), 0.99),
      answerP50Ms: quantile(answers, 0.5),
      answerP95Ms: quantile(answers, 0.95),
      instructions: inBucket.length,
    };
  });
  const of = (role: Sample['role'], pick: (s: Sample) => number | null) => samples.filter((s) => s.role === role).map(pick);
  return {
    rehearsal,
    bucketSeconds,
    series,
    histograms: {
      receiverConsumption: histogram(of('receiver', (s) => s.consumptionMs), 10, 500),
      payerConsumption: histogram(of('payer', (s) => s.consumptionMs), 10, 500),
      answer: histogram(of('receiver', (s) => s.answerMs), 100, 5000),
    },
  };
}
