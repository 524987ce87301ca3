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
  /** The message as the challenge face sends it, rendered once here (see migrations/…-message-json.js). */
  json: string;
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
 *
 * The rows travel as one JSON document, not as ten text[] parameters: node-pg
 * escapes each array element with regular expressions in JavaScript, while
 * JSON.stringify escapes in C++. 100,000 messages (sync POST, embedded
 * PostgreSQL 18, two runs each): 12.7 / 11.7 s as arrays, 11.2 / 10.9 s as JSON.
 */
export async function insertMessages(db: Queryable, receiverIspb: string, messages: readonly NewMessage[]): Promise<number> {
  const rows = messages.map((m) => ({ e: m.endToEndId, v: m.valor, p: m.payerId, r: m.receiverId, c: m.campoLivre, t: m.txId, a: m.paidAt, x: m.xml, j: m.json }));
  const { rowCount } = await db.query(
    `INSERT INTO messages (end_to_end_id, valor, payer_id, receiver_id, receiver_ispb, campo_livre, tx_id, paid_at, xml, json)
     SELECT e, v, p, r, $2, c, t, a, x, j
       FROM json_to_recordset($1::json) AS u (e text, v numeric, p bigint, r bigint, c text, t text, a timestamptz, x text, j text)
     ON CONFLICT (end_to_end_id) WHERE kind = 'pacs.008' DO NOTHING`,
    [JSON.stringify(rows), receiverIspb],
  );
  if (rowCount) await db.query('SELECT pg_notify($1, $2)', [MESSAGES_CHANNEL, receiverIspb]);
  return rowCount ?? 0;
}
