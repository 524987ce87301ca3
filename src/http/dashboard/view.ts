/**
 * GET /api/util/dashboard's JSON: the engine's snapshot mapped for the page,
 * never database rows. Which ISPBs: the ones asked for (`?ispb=`), then the
 * busiest of the others (open streams, then deliveries in the window, then
 * pending), at most MAX_SHOWN, so a database with a thousand ISPBs still
 * answers a page-sized document (~30 ISPBs × 3 series × 60 points).
 */
import type { DashboardSnapshot, DeliveryBucket, IspbCounts } from '../../inspection/dashboard.js';
import { spiView } from './spi-view.js';
import { rehearsalHeader } from '../../rehearsal/state.js';

export const MAX_SHOWN = 30;

const ZERO = (ispb: string): IspbCounts => ({ ispb, pending: 0, inFlight: 0, acknowledged: 0, openStreams: 0 });
const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

function pickIspbs(snapshot: DashboardSnapshot, pinned: string[], deliveredBy: Map<string, number>): IspbCounts[] {
  const byIspb = new Map(snapshot.ispbs.map((counts) => [counts.ispb, counts]));
  const jobIspbs = new Set(snapshot.jobs.filter((job) => job.state === 'queued' || job.state === 'running').map((job) => job.ispb));
  const busy = snapshot.ispbs
    .filter((c) => !pinned.includes(c.ispb))
    .filter((c) => c.pending > 0 || c.inFlight > 0 || c.openStreams > 0 || deliveredBy.has(c.ispb) || jobIspbs.has(c.ispb))
    .sort((a, b) => b.openStreams - a.openStreams || (deliveredBy.get(b.ispb) ?? 0) - (deliveredBy.get(a.ispb) ?? 0) || b.pending - a.pending);
  const shown = [...pinned.map((ispb) => byIspb.get(ispb) ?? ZERO(ispb)), ...busy];
  return shown.slice(0, Math.max(MAX_SHOWN, pinned.length));
}

function seriesOf(snapshot: DashboardSnapshot, buckets: DeliveryBucket[]) {
  const at = new Map(buckets.map((bucket) => [bucket.bucketStartS, bucket]));
  const points = snapshot.bucketStartsS.map((s) => at.get(s));
  return {
    perSecond: points.map((p) => round1((p?.delivered ?? 0) / snapshot.bucketS)),
    latencyP50Ms: points.map((p) => round1(p?.latencyP50Ms ?? null)),
    latencyP95Ms: points.map((p) => round1(p?.latencyP95Ms ?? null)),
  };
}

export function dashboardView(snapshot: DashboardSnapshot, pinned: string[], collectorLimit: number) {
  const bucketsBy = new Map<string, DeliveryBucket[]>();
  for (const bucket of snapshot.deliveries) bucketsBy.set(bucket.ispb, [...(bucketsBy.get(bucket.ispb) ?? []), bucket]);
  const deliveredBy = new Map([...bucketsBy].map(([ispb, buckets]) => [ispb, buckets.reduce((sum, b) => sum + b.delivered, 0)]));
  return {
    generatedAt: snapshot.at.toISOString(),
    collectorLimit,
    bucketSeconds: snapshot.bucketS,
    buckets: snapshot.bucketStartsS,
    ispbs: pickIspbs(snapshot, pinned, deliveredBy).map((counts) => ({
      ispb: counts.ispb,
      messages: { pending: counts.pending, inFlight: counts.inFlight, acknowledged: counts.acknowledged },
      streams: { open: counts.openStreams, limit: collectorLimit },
      deliveries: seriesOf(snapshot, bucketsBy.get(counts.ispb) ?? []),
    })),
    jobs: snapshot.jobs.map((job) => ({
      id: job.id,
      ispb: job.ispb,
      total: job.total,
      created: job.created,
      state: job.state,
      error: job.error,
      createdAt: job.createdAt.toISOString(),
      updatedAt: job.updatedAt.toISOString(),
    })),
    spi: spiView(snapshot, pinned, MAX_SHOWN),
    faults: snapshot.faults,
    rehearsals: snapshot.rehearsals.map((r) => ({ ...rehearsalHeader(r, snapshot.at.getTime()), sent: r.sent, total: r.total })),
  };
}
