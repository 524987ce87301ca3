/**
 * A random payment party and free text, as the generator makes them. Kept
 * apart from generator.ts (which needs the database) so that anything making
 * realistic messages, the CLI's flow rehearsal included, draws from the same
 * rules without loading the generator's SQL.
 */
import type { CompleteParty } from '../../iso20022/message.js';
import { randomCnpj, randomCpf } from './documents.js';
import { TIPOS_CONTA } from './formats.js';
import { randomCompanyName, randomPersonName } from './names.js';
import { pick, randomDigits, randomInt } from './random.js';

const CAMPO_LIVRE_SAMPLES = ['Aluguel', 'Pagamento de pedido', 'Mensalidade escolar', 'Divisão da conta', 'Reembolso', 'Serviços prestados'];

/** A client of the PSP `ispb`: a person (CPF) or, one time in five, a company (CNPJ), with a branch and an account. */
export function randomParty(ispb: string): CompleteParty {
  const company = randomInt(1, 5) === 1;
  return {
    nome: company ? randomCompanyName() : randomPersonName(),
    cpfCnpj: company ? randomCnpj() : randomCpf(),
    ispb,
    agencia: String(randomInt(1, 9999)).padStart(4, '0').slice(-randomInt(1, 4)),
    contaTransacional: randomDigits(randomInt(5, 12)),
    tipoConta: pick(TIPOS_CONTA),
  };
}

/** The payer's note: empty three times in four, else a short everyday reason ("Aluguel 512"). */
export function randomCampoLivre(): string {
  return randomInt(1, 4) === 1 ? `${pick(CAMPO_LIVRE_SAMPLES)} ${randomInt(1, 9999)}` : '';
}
