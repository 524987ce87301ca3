/**
 * Acknowledged history straight in SQL, for the retention test and bench: one
 * ended stream of `ispb` whose iterations (10 messages each, linked by next_id
 * as pulls link them) were acknowledged `ageDays` ago. A row costs a few
 * microseconds here, where the generator and a drain through the API would
 * take hours for 10,000,000.
 *
 * Message ids come from the table's own identity sequence (nextval per row,
 * OVERRIDING SYSTEM VALUE), so concurrent inserts elsewhere never collide, and
 * each iteration's message_ids is known before its messages are written. The
 * XML stays NULL, as for rows stored before the ICOM face.
 *
 * Each chunk is one transaction with session_replication_role = replica (a
 * superuser's setting): the insert triggers on messages would queue every row
 * as pending (migrations/…-deliveries.js), so the chunk writes the rows'
 * deliveries itself, already acknowledged, and the ledger row counts them, as
 * the triggers and ending their stream would have. `db` must be one
 * connection (a pg.Client, or a pool's checked-out client).
 */
import type { Queryable } from '../src/db/database.js';

export interface AcknowledgedRows {
  ispb: string;
  /** Messages to insert, per statement at most `chunk`. */
  rows: number;
  ageDays: number;
  chunk?: number;
  onChunk?: (inserted: number) => void;
}

const CHUNK_SQL = `
WITH ids AS (
  SELECT (g - 1) / 10 AS k, nextval(pg_get_serial_sequence('messages', 'id')) AS id FROM generate_series(1, $3::int) g
), batches AS (
  SELECT k, gen_random_uuid() AS it, array_agg(id ORDER BY id) AS message_ids FROM ids GROUP BY k
), its AS (
  INSERT INTO iterations (id, stream_id, message_ids, acked_at, next_id, created_at)
  SELECT it, $2, message_ids, $4::timestamptz + k * interval '1 ms', lead(it) OVER (ORDER BY k), $4::timestamptz + k * interval '1 ms'
    FROM batches
  RETURNING id, message_ids, created_at
), stored AS (
  INSERT INTO messages (id, end_to_end_id, valor, payer_id, receiver_id, receiver_ispb, tx_id, paid_at, created_at)
  OVERRIDING SYSTEM VALUE
  SELECT m, 'ERETENTION' || lpad(m::text, 22, '0'), 1 + (m % 99999) / 100.0, $5, $5, $1,
         'RETTX' || lpad(m::text, 20, '0'), its.created_at, its.created_at
    FROM its, unnest(its.message_ids) m
  RETURNING id, seq
)
INSERT INTO deliveries (message_id, receiver_ispb, seq, transfer, iteration_id, delivery_count)
SELECT s.id, $1, s.seq, true, its.id, 1
  FROM its, unnest(its.message_ids) m JOIN stored s ON s.id = m`;

/** Inserts the rows; returns the stream's id. */
export async function insertAcknowledgedRows(db: Queryable, { ispb, rows, ageDays, chunk = 1_000_000, onChunk }: AcknowledgedRows): Promise<number> {
  const party = await db.query(
    `INSERT INTO clients (nome, cpf_cnpj, ispb, agencia, conta_transacional, tipo_conta)
     VALUES ('Retencao Historico', '00000000191', $1, '1', '1', 'CACC')
     ON CONFLICT ON CONSTRAINT clients_account_unique DO UPDATE SET nome = EXCLUDED.nome RETURNING id`,
    [ispb],
  );
  const started = `now() - make_interval(days => ${Number(ageDays)})`;
  const stream = await db.query(
    `INSERT INTO streams (ispb, status, opened_at, last_seen_at, idle_timeout, expires_at, closed_at)
     VALUES ($1, 'closed', ${started}, ${started}, '1 minute', ${started}, ${started} + interval '1 day') RETURNING id`,
    [ispb],
  );
  const streamId = stream.rows[0].id;
  for (let done = 0; done < rows; done += chunk) {
    const size = Math.min(chunk, rows - done);
    // Each chunk a millisecond per iteration later than the one before, so oldest-first follows insertion order.
    const from = await db.query(`SELECT (${started} + make_interval(secs => $1::double precision / 1000))::text AS t`, [done / 10]);
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL session_replication_role = replica');
      await db.query(CHUNK_SQL, [ispb, streamId, size, from.rows[0].t, party.rows[0].id]);
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK');
      throw err;
    }
    onChunk?.(done + size);
  }
  await db.query('INSERT INTO ispb_message_counts (ispb, messages, acknowledged) VALUES ($1, $2, $2)', [ispb, rows]);
  return streamId;
}
