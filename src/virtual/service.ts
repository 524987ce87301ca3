/**
 * Virtual participants as the API manages them (src/http/challenge/virtual-routes.ts):
 * their profiles, and the payment runs they are asked to make. What they do
 * is the worker's (worker.ts).
 */
import { v4 as uuidv4 } from 'uuid';
import type { Database } from '../db/database.js';
import { parseProfile, profileJson, ProfileError } from './profile.js';
import { deleteVirtual, readVirtual, upsertVirtual } from './sql/participants.js';
import { insertRun, readRun, type NewRun, type PaymentRun } from './sql/payment-runs.js';

export { ProfileError };

export interface VirtualView {
  ispb: string;
  profile: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface RunView {
  id: string;
  ispb: string;
  to: string;
  count: number;
  sent: number;
  perSecond: number;
  amount: string | null;
  localInstrument: 'MANU' | 'QRDN';
  state: PaymentRun['state'];
  startedAt: string;
  updatedAt: string;
}

/** The virtual participant is not one: no profile under that ISPB. */
export class NotVirtual extends Error {
  constructor(readonly ispb: string) {
    super(`${ispb} is not a virtual participant: PUT /api/util/virtual/${ispb} with a profile makes it one`);
  }
}

const runView = (r: PaymentRun): RunView => ({
  id: r.id,
  ispb: r.ispb,
  to: r.to,
  count: r.total,
  sent: r.sent,
  perSecond: r.perSecond,
  amount: r.amountCents === null ? null : (r.amountCents / 100).toFixed(2),
  localInstrument: r.localInstrument,
  state: r.state,
  startedAt: r.startedAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export class VirtualParticipants {
  constructor(private readonly db: Database) {}

  /** Sets the profile (ProfileError for a bad one); `created` when the ISPB was not virtual. */
  async put(ispb: string, body: unknown): Promise<{ view: VirtualView; created: boolean }> {
    const profile = profileJson(parseProfile(body));
    const row = await upsertVirtual(this.db, ispb, profile);
    return { view: { ispb, profile, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }, created: row.created };
  }

  async get(ispb: string): Promise<VirtualView> {
    const row = await readVirtual(this.db, ispb);
    if (!row) throw new NotVirtual(ispb);
    return { ispb, profile: profileJson(parseProfile(row.profile)), createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
  }

  /** Ends it: its profile, its unposted answers, its running payments (stopped). */
  async remove(ispb: string): Promise<void> {
    const removed = await this.db.transaction((client) => deleteVirtual(client, ispb));
    if (!removed) throw new NotVirtual(ispb);
  }

  async startPayments(run: Omit<NewRun, 'id'>): Promise<RunView> {
    if (!(await readVirtual(this.db, run.ispb))) throw new NotVirtual(run.ispb);
    return runView(await insertRun(this.db, { id: uuidv4(), ...run }));
  }

  async payments(ispb: string, id: string): Promise<RunView | undefined> {
    const run = await readRun(this.db, ispb, id);
    return run && runView(run);
  }
}
