/** SQL of the generator: client pools and bulk message inserts (one statement per chunk). */
import type { Queryable } from '../../db/database.js';
import { columnNames, valuesList } from '../../db/values-list.js';

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
 * Rows per INSERT, as a VALUES list (../../db/values-list.ts):
 * 385-607 ms per 5,000 against 682-893 ms as one JSON document (docs/performance.md, Levers kept).
 * 500 rows x 10 columns stays far below the protocol's 65,535 parameters.
 */
const ROWS_PER_INSERT = 500;
const COLUMNS = ['end_to_end_id', 'valor::numeric', 'payer_id::bigint', 'receiver_id::bigint', 'receiver_ispb', 'campo_livre', 'tx_id', 'paid_at::timestamptz', 'xml', 'json'];

function insertSql(rows: number): string {
  return `INSERT INTO messages (${columnNames(COLUMNS)})
${valuesList(COLUMNS, rows)}
ON CONFLICT (end_to_end_id) WHERE kind = 'pacs.008' DO NOTHING`;
}
/** Prepared once per connection: every full slice has this shape. */
const FULL_INSERT = { name: 'pix-generate-insert', text: insertSql(ROWS_PER_INSERT) };

/**
 * Inserts a chunk of messages for one receiving ISPB (in slices of
 * ROWS_PER_INSERT, inside the caller's transaction; the caller wakes the
 * receiver once it committed). A duplicate endToEndId is skipped; returns how
 * many rows went in.
 */
export async function insertMessages(db: Queryable, receiverIspb: string, messages: readonly NewMessage[]): Promise<number> {
  let rowCount = 0;
  for (let at = 0; at < messages.length; at += ROWS_PER_INSERT) {
    const slice = messages.slice(at, at + ROWS_PER_INSERT);
    const values = slice.flatMap((m) => [m.endToEndId, m.valor, m.payerId, m.receiverId, receiverIspb, m.campoLivre, m.txId, m.paidAt, m.xml, m.json]);
    const statement = slice.length === ROWS_PER_INSERT ? FULL_INSERT : { text: insertSql(slice.length) };
    rowCount += (await db.query({ ...statement, values })).rowCount ?? 0;
  }
  return rowCount;
}
