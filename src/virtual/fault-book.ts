/**
 * Each process's view of the participants' faults: read from PostgreSQL at
 * most once a second, when a request asks (so a PUT reaches every process
 * within a second, and a process nobody calls reads nothing), with the
 * injections counted in memory and added to fault_counts at the same pace
 * (one statement per participant and fault a second, not one per request).
 */
import type { Queryable } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import { parseFaults, type FaultName, type Faults } from './faults.js';
import { countFaults, readAllFaults } from './sql/faults.js';

const REFRESH_MS = 1000;

export interface ActiveFaults {
  faults: Faults;
  since: Date;
}

export class FaultBook {
  private active = new Map<string, ActiveFaults>();
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private counted = new Map<string, number>();
  private flushing: NodeJS.Timeout | undefined;
  /** Bursts of 429 in progress: answers left, per participant. */
  readonly bursts = new Map<string, number>();

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly onInjected: (fault: FaultName) => void = () => undefined,
  ) {}

  /** The participant's faults, or undefined when it has none. */
  async of(ispb: string): Promise<ActiveFaults | undefined> {
    if (Date.now() - this.readAt >= REFRESH_MS) {
      this.reading ??= this.refresh().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.active.get(ispb);
  }

  injected(ispb: string, fault: FaultName): void {
    const key = `${ispb} ${fault}`;
    this.counted.set(key, (this.counted.get(key) ?? 0) + 1);
    this.onInjected(fault);
    this.flushing ??= setTimeout(() => {
      this.flushing = undefined;
      this.flush().catch((err) => this.logger.warn({ err }, 'faults: could not write their counts'));
    }, REFRESH_MS).unref();
  }

  /** Writes the counts not yet written (also at shutdown). */
  async flush(): Promise<void> {
    const counts = [...this.counted].map(([key, n]) => {
      const [ispb, fault] = key.split(' ') as [string, FaultName];
      return { ispb, fault, n };
    });
    this.counted.clear();
    await countFaults(this.db, counts);
  }

  private async refresh(): Promise<void> {
    try {
      await this.flush();
      const rows = await readAllFaults(this.db);
      this.active = new Map(rows.map((row) => [row.ispb, { faults: parseFaults(row.faults), since: row.since }]));
    } catch (err) {
      this.logger.warn({ err }, 'faults: could not read them; keeping the last ones read');
    }
    this.readAt = Date.now();
  }
}
