/**
 * Capacity rehearsals as the API runs them (docs/rehearsal.md): started for a
 * participant under test P (99999A03's payment run to P is the rehearsal's
 * inflow; P's own payments to 99999A04 are its outflow), read with their
 * progress and scorecard, stopped. Nothing is kept in a process: the worker
 * that sends 99999A03's payments and every figure here come from PostgreSQL,
 * so a rehearsal runs once across processes and survives their restarts.
 */
import { v4 as uuidv4 } from 'uuid';
import type { Database } from '../db/database.js';
import { adjustBalance } from '../spi/sql/adjust-balance.js';
import { openAccounts } from '../spi/sql/open-accounts.js';
import { readAccount } from '../spi/sql/read-account.js';
import { readVirtual } from '../virtual/sql/participants.js';
import { insertRun, readRunById } from '../virtual/sql/payment-runs.js';
import { BOUNDS, LEVEL_RATES, scoreCriteria, type Criterion } from './criteria.js';
import { insertRehearsal, lockParticipantRehearsals, readRehearsal, readUnsettled, stopRehearsal, type Rehearsal } from './sql/rehearsals.js';
import { rehearsalHeader, type RehearsalState } from './state.js';
import { readSamples, tallyRehearsal, type RoleTally, type Sample, type Scope } from './sql/samples.js';

export const PAYER = '99999A03';
/**
 * What 99999A03 pays each time (the Roteiro's own test amounts are not
 * public). Its reserve account is raised to cover the whole run when short:
 * the Central Bank's virtual participant does not run dry mid-test (in the
 * bench, one left at its opening balance answered AM04 to half of a third
 * rehearsal's payments).
 */
const PAYMENT_CENTS = 100;
export const RECEIVER = '99999A04';

export type { RehearsalState };

export class RehearsalError extends Error {}
export class RehearsalConflict extends Error {}
export class NoRehearsal extends Error {
  constructor(id: string) {
    super(`no rehearsal ${id}`);
  }
}

export interface RehearsalRequest {
  ispb: string;
  perMinute: number;
  minutes: number;
}

export interface RehearsalView {
  id: string;
  ispb: string;
  perMinute: number;
  minutes: number;
  startedAt: string;
  endsAt: string;
  settledBy: string;
  state: RehearsalState;
  elapsedSeconds: number;
  /** 99999A03's payments to P: sent so far, of how many. */
  paymentsToP: { sent: number; total: number };
  receiver: RoleTally;
  payer: RoleTally;
  criteria: Criterion[];
  pass: boolean;
}

const PARTICIPANT = /^[0-9A-Z]{8}$/;

export function parseRehearsalRequest(body: unknown): RehearsalRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RehearsalError('the request must be a JSON object {"ispb", "perMinute", "minutes"}');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((key) => !['ispb', 'perMinute', 'minutes'].includes(key));
  if (unknown !== undefined) throw new RehearsalError(`unknown field ${JSON.stringify(unknown)}; known: ispb, perMinute, minutes`);
  if (typeof b.ispb !== 'string' || !PARTICIPANT.test(b.ispb)) throw new RehearsalError(`ispb must be 8 characters of 0-9 and A-Z, got ${JSON.stringify(b.ispb)}`);
  if (b.ispb === PAYER || b.ispb === RECEIVER) throw new RehearsalError(`${b.ispb} is one of the rehearsal's own counterparties; rehearse another participant`);
  const perMinute = b.perMinute ?? LEVEL_RATES.small;
  if (typeof perMinute !== 'number' || !Number.isInteger(perMinute) || perMinute < 1 || perMinute > 12_000) {
    throw new RehearsalError(`perMinute must be a whole number from 1 to 12000 (the Roteiro's: 1000, 2000, 4000), got ${JSON.stringify(perMinute)}`);
  }
  const minutes = b.minutes ?? 10;
  if (typeof minutes !== 'number' || !(minutes >= 0.1 && minutes <= 60)) throw new RehearsalError(`minutes must be a number from 0.1 to 60, got ${JSON.stringify(minutes)}`);
  return { ispb: b.ispb, perMinute, minutes };
}

const scopeOf = (r: Rehearsal): Scope => ({ ispb: r.ispb, from: r.startedAt, paidUntil: r.endsAt, receivedUntil: r.settledBy });

export class Rehearsals {
  constructor(
    private readonly db: Database,
    /** How long after the end an instruction may still be decided: the SPI's timeout and a margin. */
    private readonly settleS: number,
    private readonly openingCents: number,
  ) {}

  async start(body: unknown): Promise<RehearsalView> {
    const request = parseRehearsalRequest(body);
    const rehearsal = await this.db.transaction(async (client) => {
      await lockParticipantRehearsals(client, request.ispb);
      const running = await readUnsettled(client, request.ispb);
      if (running) throw new RehearsalConflict(`${request.ispb} has a rehearsal under way (${running.id}, settled by ${running.settledBy.toISOString()}): DELETE /api/util/rehearsals/${running.id} stops it`);
      if (!(await readVirtual(client, PAYER))) throw new RehearsalConflict(`${PAYER} is not a virtual participant here (DELETE /api/util/virtual/${PAYER} ended it): PUT it back to rehearse`);
      const total = Math.max(1, Math.round(request.perMinute * request.minutes));
      const at = new Date();
      await openAccounts(client, [PAYER], this.openingCents, at);
      const payer = await readAccount(client, PAYER);
      // Raised by the whole run, not to it: another rehearsal may be drawing on the same account.
      if (payer!.balanceCents < total * PAYMENT_CENTS) await adjustBalance(client, PAYER, payer!.balanceCents + total * PAYMENT_CENTS, at);
      const run = await insertRun(client, { id: uuidv4(), ispb: PAYER, to: request.ispb, total, perSecond: request.perMinute / 60, amountCents: PAYMENT_CENTS, localInstrument: 'MANU' });
      return insertRehearsal(client, { id: uuidv4(), ...request, paymentRunId: run.id }, this.settleS);
    });
    return this.viewOf(rehearsal);
  }

  async get(id: string): Promise<RehearsalView> {
    const rehearsal = await readRehearsal(this.db, id);
    if (!rehearsal) throw new NoRehearsal(id);
    return this.viewOf(rehearsal);
  }

  /** Its view and every sample (the report's charts). */
  async report(id: string): Promise<{ view: RehearsalView; samples: Sample[] }> {
    const rehearsal = await readRehearsal(this.db, id);
    if (!rehearsal) throw new NoRehearsal(id);
    return { view: await this.viewOf(rehearsal), samples: await readSamples(this.db, scopeOf(rehearsal)) };
  }

  /** Stops it: 99999A03 pays no more; what is in flight is still decided and counted. */
  async stop(id: string): Promise<RehearsalView> {
    if (!(await readRehearsal(this.db, id))) throw new NoRehearsal(id);
    await stopRehearsal(this.db, id);
    return this.get(id);
  }

  private async viewOf(r: Rehearsal): Promise<RehearsalView> {
    const { receiver, payer } = await tallyRehearsal(this.db, scopeOf(r), BOUNDS);
    const run = await readRunById(this.db, r.paymentRunId);
    const now = Date.now();
    const criteria = scoreCriteria(receiver, payer);
    return {
      ...rehearsalHeader(r, now),
      settledBy: r.settledBy.toISOString(),
      elapsedSeconds: Math.round((Math.min(now, r.endsAt.getTime()) - r.startedAt.getTime()) / 100) / 10,
      paymentsToP: { sent: run?.sent ?? 0, total: run?.total ?? 0 },
      receiver,
      payer,
      criteria,
      pass: criteria.every((c) => c.pass),
    };
  }
}
