/**
 * Faults as the API manages them (http/challenge/fault-routes.ts): set, read
 * with what was injected so far, removed. What they do is the ICOM face's
 * (http/icom/faults.ts) and the SPI's deadline job (late AB03).
 */
import type { Database } from '../db/database.js';
import { FaultsError, parseFaults, type Faults } from './faults.js';
import { deleteFaults, readFaultCounts, readFaults, upsertFaults } from './sql/faults.js';

export { FaultsError };

export interface FaultsView {
  ispb: string;
  faults: Faults;
  since: string;
  /** Injected so far, by fault (counts reach the database within a second). */
  injected: Record<string, number>;
}

export class NoFaults extends Error {
  constructor(readonly ispb: string) {
    super(`${ispb} has no faults on: PUT /api/util/faults/${ispb} turns some on`);
  }
}

export class FaultSettings {
  constructor(private readonly db: Database) {}

  async put(ispb: string, body: unknown): Promise<{ view: FaultsView; created: boolean }> {
    const faults = parseFaults(body);
    const row = await upsertFaults(this.db, ispb, faults);
    return { view: { ispb, faults, since: row.since.toISOString(), injected: await this.injected(ispb) }, created: row.created };
  }

  async get(ispb: string): Promise<FaultsView> {
    const row = await readFaults(this.db, ispb);
    if (!row) throw new NoFaults(ispb);
    return { ispb, faults: parseFaults(row.faults), since: row.since.toISOString(), injected: await this.injected(ispb) };
  }

  async remove(ispb: string): Promise<void> {
    if (!(await deleteFaults(this.db, ispb))) throw new NoFaults(ispb);
  }

  private async injected(ispb: string): Promise<Record<string, number>> {
    return Object.fromEntries((await readFaultCounts(this.db, ispb)).map((c) => [c.fault, c.n]));
  }
}
