/**
 * The clients of posted credit transfers: each account (ISPB, branch, account,
 * CPF/CNPJ) stored once, as the generator's are; returns their ids in order.
 * An account already stored keeps its stored name (the JSON form of the
 * messages already there must not change under them).
 */
import type { Queryable } from '../../db/database.js';
import type { Party } from '../../iso20022/message.js';

export async function upsertParties(db: Queryable, parties: readonly Party[]): Promise<number[]> {
  const column = <K extends keyof Party>(key: K) => parties.map((party) => party[key]);
  const values = [column('nome'), column('cpfCnpj'), column('ispb'), column('agencia'), column('contaTransacional'), column('tipoConta')];
  await db.query(
    `INSERT INTO clients (nome, cpf_cnpj, ispb, agencia, conta_transacional, tipo_conta)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT ON CONSTRAINT clients_account_unique DO NOTHING`,
    values,
  );
  const { rows } = await db.query<{ id: number }>(
    `SELECT c.id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
            AS p (nome, cpf_cnpj, ispb, agencia, conta, tipo, n)
       JOIN clients c ON c.ispb = p.ispb AND c.agencia = p.agencia AND c.conta_transacional = p.conta AND c.cpf_cnpj = p.cpf_cnpj
      ORDER BY p.n`,
    values,
  );
  return rows.map((row) => row.id);
}
