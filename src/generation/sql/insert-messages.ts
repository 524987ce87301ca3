/** SQL of the generator: client pools and bulk message inserts (one statement per chunk). */
import type { Queryable } from '../../db/database.js';
import { MESSAGES_CHANNEL } from '../../stream/channel.js';

export interface NewClient {
  nome: string;
  cpfCnpj: string;
  ispb: string;
  agencia: string;
  contaTransacional: string;
  tipoConta: string;
}

export interface PoolClient {
  id: number;
  ispb: string;
}

export interface NewMessage {
  endToEndId: string;
  valor: number;
  payerId: number;
  receiverId: number;
  campoLivre: string;
  txId: string;
  paidAt: Date;
}

/** Up to `limit` existing clients at any of the given ISPBs, oldest first, so pools are reused. */
export async function findClients(db: Queryable, ispbs: readonly string[], limit: number): Promise<PoolClient[]> {
  const { rows } = await db.query<PoolClient>(
    'SELECT id, ispb FROM clients WHERE ispb = ANY ($1::char(8)[]) ORDER BY id LIMIT $2',
    [ispbs, limit],
  );
  return rows;
}

/** Inserts clients in one statement; an account that already exists is skipped. */
export async function insertClients(db: Queryable, clients: readonly NewClient[]): Promise<PoolClient[]> {
  const column = <K extends keyof NewClient>(key: K) => clients.map((client) => client[key]);
  const { rows } = await db.query<PoolClient>(
    `INSERT INTO clients (nome, cpf_cnpj, ispb, agencia, conta_transacional, tipo_conta)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT ON CONSTRAINT clients_account_unique DO NOTHING
     RETURNING id, ispb`,
    [column('nome'), column('cpfCnpj'), column('ispb'), column('agencia'), column('contaTransacional'), column('tipoConta')],
  );
  return rows;
}

/**
 * Inserts a chunk of messages for one receiving ISPB in one statement and
 * NOTIFYs it (delivered at commit, so waiting collectors wake to committed rows).
 * A duplicate endToEndId is skipped; returns how many rows went in.
 */
export async function insertMessages(db: Queryable, receiverIspb: string, messages: readonly NewMessage[]): Promise<number> {
  const column = <K extends keyof NewMessage>(key: K) => messages.map((message) => message[key]);
  const { rowCount } = await db.query(
    `INSERT INTO messages (end_to_end_id, valor, payer_id, receiver_id, receiver_ispb, campo_livre, tx_id, paid_at)
     SELECT e, v, p, r, $8, c, t, a
       FROM unnest($1::text[], $2::numeric[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[])
            AS u (e, v, p, r, c, t, a)
     ON CONFLICT (end_to_end_id) DO NOTHING`,
    [
      column('endToEndId'),
      column('valor'),
      column('payerId'),
      column('receiverId'),
      column('campoLivre'),
      column('txId'),
      column('paidAt'),
      receiverIspb,
    ],
  );
  if (rowCount) await db.query('SELECT pg_notify($1, $2)', [MESSAGES_CHANNEL, receiverIspb]);
  return rowCount ?? 0;
}
