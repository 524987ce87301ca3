/**
 * Virtual participants' payment runs (virtual_payment_runs): created by POST
 * /api/util/virtual/{ispb}/payments, advanced by the worker under a lease.
 * `sent` moves only after the payments up to it were stored.
 */
import type { Queryable } from '../../db/database.js';

export interface PaymentRun {
  id: string;
  ispb: string;
  to: string;
  total: number;
  sent: number;
  perSecond: number;
  amountCents: number | null;
  localInstrument: 'MANU' | 'QRDN';
  state: 'running' | 'completed' | 'stopped';
  startedAt: Date;
  updatedAt: Date;
}

export type NewRun = Pick<PaymentRun, 'id' | 'ispb' | 'to' | 'total' | 'perSecond' | 'amountCents' | 'localInstrument'>;

interface Row {
  id: string;
  ispb: string;
  to_ispb: string;
  total: number;
  sent: number;
  per_second: number;
  amount_cents: string | null;
  local_instrument: 'MANU' | 'QRDN';
  state: PaymentRun['state'];
  started_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, ispb, to_ispb, total, sent, per_second, amount_cents, local_instrument, state, started_at, updated_at';

const run = (r: Row): PaymentRun => ({
  id: r.id,
  ispb: r.ispb,
  to: r.to_ispb,
  total: r.total,
  sent: r.sent,
  perSecond: r.per_second,
  amountCents: r.amount_cents === null ? null : Number(r.amount_cents),
  localInstrument: r.local_instrument,
  state: r.state,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
});

export async function insertRun(db: Queryable, r: NewRun): Promise<PaymentRun> {
  const { rows } = await db.query<Row>(
    `INSERT INTO virtual_payment_runs (id, ispb, to_ispb, total, per_second, amount_cents, local_instrument) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [r.id, r.ispb, r.to, r.total, r.perSecond, r.amountCents, r.localInstrument],
  );
  return run(rows[0]!);
}

export async function readRun(db: Queryable, ispb: string, id: string): Promise<PaymentRun | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM virtual_payment_runs WHERE id = $1 AND ispb = $2`, [id, ispb]);
  return rows[0] && run(rows[0]);
}

const CLAIM_SQL = `
UPDATE virtual_payment_runs SET claimed_until = now() + make_interval(secs => $2)
 WHERE id IN (SELECT id FROM virtual_payment_runs
               WHERE state = 'running' AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY started_at LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING ${COLUMNS}`;

/** Up to `limit` running runs, leased for `leaseS` seconds. */
export async function claimRuns(db: Queryable, limit: number, leaseS: number): Promise<PaymentRun[]> {
  const { rows } = await db.query<Row>(CLAIM_SQL, [limit, leaseS]);
  return rows.map(run);
}

/** Records the payments up to `sent` as stored and gives the lease back; completed at the total. */
export async function advanceRun(db: Queryable, id: string, sent: number): Promise<void> {
  await db.query(
    `UPDATE virtual_payment_runs SET sent = greatest(sent, $2), claimed_until = NULL, updated_at = now(),
            state = CASE WHEN greatest(sent, $2) >= total AND state = 'running' THEN 'completed' ELSE state END
      WHERE id = $1`,
    [id, sent],
  );
}

export async function readRunById(db: Queryable, id: string): Promise<PaymentRun | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM virtual_payment_runs WHERE id = $1`, [id]);
  return rows[0] && run(rows[0]);
}
