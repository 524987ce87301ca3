/**
 * The dashboard's read side: where every ISPB stands, deliveries per time
 * bucket over the last minutes, and generation jobs, read cheaply (see the
 * sql/dashboard-*.ts modules for what each read costs) and cached in process,
 * so any number of open dashboards cost one set of reads per second.
 *
 * Deliveries are kept per bucket: a complete bucket is read once (with the one
 * before it read again, for batches claimed just before a boundary that commit
 * just after it), so a refresh reads at most two buckets of iterations rather
 * than the whole window. The bucket in progress is left out of the charts.
 * The SPI's part: decisions of the last minute and the balances that moved last;
 * the faults participants asked for, with what was injected; and the capacity
 * rehearsals under way or just settled.
 */
import type { Queryable } from '../db/database.js';
import { foldIspbCounts, readIspbCounts, type IspbCounts } from './sql/ispb-counts.js';
import { readDeliveries, type DeliveryBucket } from './sql/deliveries-per-bucket.js';
import { readRecentJobs, type JobProgress } from './sql/recent-jobs.js';
import { readRecentBalances, readSettlementStats, type AccountBalance, type SettlementStats } from './sql/settlement-stats.js';
import { readFaultStates, type FaultState } from './sql/fault-states.js';
import { readRecentRehearsals, type RecentRehearsal } from './sql/recent-rehearsals.js';

export type { IspbCounts, DeliveryBucket, JobProgress, AccountBalance, SettlementStats, FaultState, RecentRehearsal };

export interface DashboardSettings {
  /** How far back the charts go. */
  windowS: number;
  /** Width of one chart point. */
  bucketS: number;
  /** How long one set of reads answers every dashboard. */
  cacheMs: number;
  /** Generation jobs shown at most. */
  jobsLimit: number;
  /** How far back the SPI's settled/s, rejections and latency go. */
  spiWindowS: number;
  /** Reserve accounts read at most, those that moved last. */
  balancesLimit: number;
}

// 5-minute charts of 60 points; counts at most 1 s old, the page polls every 2 s; the SPI over the last minute.
export const DASHBOARD_DEFAULTS: DashboardSettings = { windowS: 300, bucketS: 5, cacheMs: 1000, jobsLimit: 20, spiWindowS: 60, balancesLimit: 1000 };

/** Rehearsals stay on the dashboard this long after they settled. */
const REHEARSALS_RECENT_S = 600;

export interface DashboardSnapshot {
  at: Date;
  bucketS: number;
  /** Starts of the complete buckets in the window, oldest first, in seconds since the epoch. */
  bucketStartsS: number[];
  ispbs: IspbCounts[];
  /** Per ISPB and bucket, only where something was delivered. */
  deliveries: DeliveryBucket[];
  jobs: JobProgress[];
  spi: { windowS: number; stats: SettlementStats[]; balances: AccountBalance[] };
  faults: FaultState[];
  rehearsals: RecentRehearsal[];
}

export class DashboardReader {
  private cached: { at: number; snapshot: DashboardSnapshot } | undefined;
  private refreshing: Promise<DashboardSnapshot> | undefined;
  private readonly buckets = new Map<number, DeliveryBucket[]>();
  /** Deliveries are read up to this bucket boundary (exclusive). */
  private readThroughS: number | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly settings: DashboardSettings = DASHBOARD_DEFAULTS,
    private readonly clock: () => number = Date.now,
  ) {}

  read(): Promise<DashboardSnapshot> {
    if (this.cached && this.clock() - this.cached.at < this.settings.cacheMs) return Promise.resolve(this.cached.snapshot);
    // Callers arriving during a refresh share it.
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<DashboardSnapshot> {
    const at = this.clock();
    const { windowS, bucketS, jobsLimit } = this.settings;
    const nowS = Math.floor(at / 1000);
    const currentS = nowS - (nowS % bucketS);
    const windowStartS = currentS - windowS;
    // One after the other, not in parallel: the reads take one pool connection, never three.
    await this.readNewBuckets(windowStartS, currentS);
    await foldIspbCounts(this.db);
    const ispbs = await readIspbCounts(this.db);
    const jobs = await readRecentJobs(this.db, windowS, jobsLimit);
    const spiWindowS = this.settings.spiWindowS;
    const spi = { windowS: spiWindowS, stats: await readSettlementStats(this.db, spiWindowS), balances: await readRecentBalances(this.db, this.settings.balancesLimit) };
    const faults = await readFaultStates(this.db);
    const rehearsals = await readRecentRehearsals(this.db, REHEARSALS_RECENT_S, 10);
    const bucketStartsS: number[] = [];
    for (let s = windowStartS; s < currentS; s += bucketS) bucketStartsS.push(s);
    const deliveries = bucketStartsS.flatMap((s) => this.buckets.get(s) ?? []);
    const snapshot = { at: new Date(at), bucketS, bucketStartsS, ispbs, deliveries, jobs, spi, faults, rehearsals };
    this.cached = { at, snapshot };
    return snapshot;
  }

  private async readNewBuckets(windowStartS: number, currentS: number): Promise<void> {
    if (this.readThroughS === currentS) return;
    const fromS = Math.max(windowStartS, (this.readThroughS ?? windowStartS) - this.settings.bucketS);
    const fresh = await readDeliveries(this.db, fromS, currentS, this.settings.bucketS);
    for (let s = fromS; s < currentS; s += this.settings.bucketS) this.buckets.set(s, []);
    for (const bucket of fresh) this.buckets.get(bucket.bucketStartS)?.push(bucket);
    for (const s of this.buckets.keys()) if (s < windowStartS) this.buckets.delete(s);
    this.readThroughS = currentS;
  }
}
