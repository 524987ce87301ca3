/**
 * Random challenge messages of valid shape for the ISO 20022 tests, from a
 * seeded generator so a failure can be replayed (the seed is in the test name).
 * Not the app's generator on purpose: these aim at the awkward cases (markup
 * characters, accents, astral characters, 200-character free text, CNPJ).
 */
import type { Party, PixMessage, TipoConta } from '../../src/iso20022/message';

export type Random = () => number;

/** mulberry32: small, fast, good enough to spread test data. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Random, items: readonly T[]): T => items[int(r, 0, items.length - 1)]!;
const digits = (r: Random, n: number) => Array.from({ length: n }, () => int(r, 0, 9)).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (r: Random, n: number) => Array.from({ length: n }, () => pick(r, [...ALNUM])).join('');

const NAMES = [
  'José da Conceição', "Ana D'Ávila & Filhos", 'Açaí <Ltda>', 'Zé "Pequeno" Gonçalves', 'Érica Müller',
  'Cão & Gato > Comércio', 'Ó Ñandú Ü Ç', 'João <b>negrito</b> Ação', 'Padaria Pão-de-Açúcar 🍞', "O'Neil & <Co>",
];
const FREE_TEXT = ['Pagamento ', 'aluguel & condomínio ', '<nota fiscal> ', '"urgente" ', "d'água ", 'ação > 1 ', '😀 ', '  ', '\tTab\n'];
const TIPOS: readonly TipoConta[] = ['CACC', 'SVGS', 'SLRY', 'TRAN'];

function party(r: Random, ispb = digits(r, 8)): Party {
  const base = pick(r, NAMES);
  return {
    nome: r() < 0.3 ? `${base} ${'Silva '.repeat(int(r, 1, 10)).trim()}`.slice(0, 140) : base,
    cpfCnpj: digits(r, r() < 0.4 ? 14 : 11),
    ispb,
    agencia: digits(r, int(r, 1, 4)),
    contaTransacional: digits(r, int(r, 1, 20)),
    tipoConta: pick(r, TIPOS),
  };
}

function freeText(r: Random): string {
  const roll = r();
  if (roll < 0.33) return '';
  if (roll < 0.36) return 'x&<'.repeat(67).slice(0, 200); // the 200-character limit, all escaped
  let text = '';
  while (text.length < int(r, 1, 120)) text += pick(r, FREE_TEXT);
  return text;
}

export function randomMessage(r: Random): PixMessage {
  const paidAt = new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 10 * 365 * 86_400_000));
  const pagador = party(r);
  const stamp = paidAt.toISOString().replace(/[-:T]/g, '').slice(0, 12); // yyyyMMddHHmm, UTC
  const cents = pick(r, [1, 999_999_999_999, int(r, 1, 100_000), int(r, 1, 999_999_999_999)]);
  return {
    endToEndId: `E${pagador.ispb}${stamp}${alnum(r, 11)}`,
    valor: cents / 100,
    pagador,
    recebedor: party(r),
    campoLivre: freeText(r),
    txId: alnum(r, int(r, 26, 35)),
    dataHoraPagamento: paidAt.toISOString(),
  };
}
