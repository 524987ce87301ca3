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

/** A client of the pool: its id, and its party fields for rendering the messages it takes part in. */
export interface PoolClient extends NewClient {
  id: number;
}

const CLIENT_COLUMNS = `id, nome, cpf_cnpj AS "cpfCnpj", ispb, agencia, conta_transacional AS "contaTransacional", tipo_conta AS "tipoConta"`;

export interface NewMessage {
  endToEndId: string;
  valor: number;
  payerId: number;
  receiverId: number;
  campoLivre: string;
  txId: string;
  paidAt: Date;
  /** The message as pacs.008, rendered once here (see migrations/…-icom-face.js). */
  xml: string;
}

/** Up to `limit` existing clients at any of the given ISPBs, oldest first, so pools are reused. */
export async function findClients(db: Queryable, ispbs: readonly string[], limit: number): Promise<PoolClient[]> {
  const { rows } = await db.query<PoolClient>(
    `SELECT ${CLIENT_COLUMNS} FROM clients WHERE ispb = ANY ($1::char(8)[]) ORDER BY id LIMIT $2`,
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
     RETURNING ${CLIENT_COLUMNS}`,
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
    `INSERT INTO messages (end_to_end_id, valor, payer_id, receiver_id, receiver_ispb, campo_livre, tx_id, paid_at, xml)
     SELECT e, v, p, r, $8, c, t, a, x
       FROM unnest($1::text[], $2::numeric[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[], $9::text[])
            AS u (e, v, p, r, c, t, a, x)
     ON CONFLICT (end_to_end_id) WHERE kind = 'pacs.008' DO NOTHING`,
    [
      column('endToEndId'),
      column('valor'),
      column('payerId'),
      column('receiverId'),
      column('campoLivre'),
      column('txId'),
      column('paidAt'),
      receiverIspb,
      column('xml'),
    ],
  );
  if (rowCount) await db.query('SELECT pg_notify($1, $2)', [MESSAGES_CHANNEL, receiverIspb]);
  return rowCount ?? 0;
}
