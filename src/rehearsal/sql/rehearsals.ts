/** Capacity rehearsals (migrations/…-rehearsals.js): started, read, stopped. */
import type { Queryable } from '../../db/database.js';

export interface Rehearsal {
  id: string;
  ispb: string;
  perMinute: number;
  minutes: number;
  paymentRunId: string;
  startedAt: Date;
  endsAt: Date;
  /** Past this, every instruction of the rehearsal has been decided (its AB03 included). */
  settledBy: Date;
  stoppedAt: Date | null;
}

const COLUMNS = 'id, ispb, per_minute, minutes, payment_run_id, started_at, ends_at, settled_by, stopped_at';

interface Row {
  id: string;
  ispb: string;
  per_minute: number;
  minutes: number;
  payment_run_id: string;
  started_at: Date;
  ends_at: Date;
  settled_by: Date;
  stopped_at: Date | null;
}

const rehearsal = (r: Row): Rehearsal => ({
  id: r.id,
  ispb: r.ispb,
  perMinute: r.per_minute,
  minutes: r.minutes,
  paymentRunId: r.payment_run_id,
  startedAt: r.started_at,
  endsAt: r.ends_at,
  settledBy: r.settled_by,
  stoppedAt: r.stopped_at,
});

/** Serialises starts of one participant's rehearsals (until the transaction ends). */
export async function lockParticipantRehearsals(db: Queryable, ispb: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('pix-stream rehearsal ' || $1))`, [ispb]);
}

/** The participant's rehearsal not yet settled nor stopped, if any. */
export async function readUnsettled(db: Queryable, ispb: string): Promise<Rehearsal | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM rehearsals WHERE ispb = $1 AND settled_by > now() AND stopped_at IS NULL ORDER BY started_at DESC LIMIT 1`,
    [ispb],
  );
  return rows[0] && rehearsal(rows[0]);
}

/** Inserts it; ends_at and settled_by follow from the database's now(). */
export async function insertRehearsal(db: Queryable, r: Pick<Rehearsal, 'id' | 'ispb' | 'perMinute' | 'minutes' | 'paymentRunId'>, settleS: number): Promise<Rehearsal> {
  const { rows } = await db.query<Row>(
    `INSERT INTO rehearsals (id, ispb, per_minute, minutes, payment_run_id, ends_at, settled_by)
     VALUES ($1, $2, $3, $4::real, $5, now() + make_interval(secs => $4::real * 60), now() + make_interval(secs => $4::real * 60 + $6))
     RETURNING ${COLUMNS}`,
    [r.id, r.ispb, r.perMinute, r.minutes, r.paymentRunId, settleS],
  );
  return rehearsal(rows[0]!);
}

export async function readRehearsal(db: Queryable, id: string): Promise<Rehearsal | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM rehearsals WHERE id = $1`, [id]);
  return rows[0] && rehearsal(rows[0]);
}

/** Stops it and its payment run, in one statement; false when it had been stopped already. */
export async function stopRehearsal(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query(
    `WITH stopped AS (UPDATE rehearsals SET stopped_at = now() WHERE id = $1 AND stopped_at IS NULL RETURNING payment_run_id),
          run AS (UPDATE virtual_payment_runs r SET state = 'stopped', updated_at = now()
                    FROM stopped WHERE r.id = stopped.payment_run_id AND r.state = 'running')
     SELECT count(*)::int AS n FROM stopped`,
    [id],
  );
  return rows[0].n > 0;
}
