/**
 * The clients of posted credit transfers: each account (ISPB, branch, account,
 * CPF/CNPJ) stored once, as the generator's are; returns their ids in order.
 * An account already stored keeps its stored name (the JSON form of the
 * messages already there must not change under them); a new creditor posted
 * without a name is stored with none.
 */
import type { Queryable } from '../../db/database.js';
import type { Party } from '../../iso20022/message.js';

/**
 * The ids of `parties`, in order: one probe of the unique key per party. The
 * LIMIT keeps each probe a subquery of its own, so the plan is a nested loop
 * over the key even when the pool's generic plan was made while clients was
 * small. The ISPB is compared as char(8), the column's type: compared as text,
 * the key could not be used at all, and every POST read the whole table
 * (23 ms per POST of 10 against 0.14 ms; docs/performance.md, Levers kept).
 */
export const PARTY_IDS_SQL = `SELECT c.id
   FROM unnest($1::text[], $2::text[], $3::char(8)[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
        AS p (nome, cpf_cnpj, ispb, agencia, conta, tipo, n)
  CROSS JOIN LATERAL (
        SELECT c.id FROM clients c
         WHERE c.ispb = p.ispb AND c.agencia = p.agencia AND c.conta_transacional = p.conta AND c.cpf_cnpj = p.cpf_cnpj
         LIMIT 1) c
  ORDER BY p.n`;

export async function upsertParties(db: Queryable, parties: readonly Party[]): Promise<number[]> {
  const column = <K extends keyof Party>(key: K) => parties.map((party) => party[key]);
  // An account without a branch is stored with agencia '' (migrations/…-participants-as-sent.js).
  const values = [column('nome'), column('cpfCnpj'), column('ispb'), parties.map((party) => party.agencia ?? ''), column('contaTransacional'), column('tipoConta')];
  await db.query(
    {
      name: 'pix-add-parties',
      text: `INSERT INTO clients (nome, cpf_cnpj, ispb, agencia, conta_transacional, tipo_conta)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT ON CONSTRAINT clients_account_unique DO NOTHING`,
    },
    values,
  );
  const { rows } = await db.query<{ id: number }>({ name: 'pix-party-ids', text: PARTY_IDS_SQL }, values);
  return rows.map((row) => row.id);
}
