import { isValidCnpj, isValidCpf, isValidCpfOrCnpj, randomCnpj, randomCpf } from '../../src/generation/rules/documents.js';
import {
  TIPOS_CONTA,
  isAgencia,
  isContaTransacional,
  isEndToEndId,
  isIspb,
  isTipoConta,
  isTxId,
  isValor,
} from '../../src/generation/rules/formats.js';
import { endToEndId, txId } from '../../src/generation/rules/ids.js';
import { randomCompanyName, randomPersonName } from '../../src/generation/rules/names.js';
import { PARTICIPANTS } from '../../src/generation/rules/participants.js';
import { pick, randomAlphanumeric, randomDigits, randomInt, randomValor } from '../../src/generation/rules/random.js';

const SAMPLES = 10_000;

describe('CPF', () => {
  it.each(['52998224725', '11144477735'])('accepts valid CPF %s', (cpf) => {
    expect(isValidCpf(cpf)).toBe(true);
    expect(isValidCpfOrCnpj(cpf)).toBe(true);
  });

  it.each([
    ['wrong first check digit', '52998224735'],
    ['wrong second check digit', '52998224726'],
    ['all digits equal', '11111111111'],
    ['all zeros', '00000000000'],
    ['too short', '5299822472'],
    ['too long', '529982247250'],
    ['punctuation', '529.982.247-25'],
    ['letters', '5299822472a'],
    ['empty', ''],
  ])('rejects %s (%s)', (_label, cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });
});

describe('CNPJ', () => {
  it.each(['11222333000181', '11444777000161'])('accepts valid CNPJ %s', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(true);
    expect(isValidCpfOrCnpj(cnpj)).toBe(true);
  });

  it.each([
    ['wrong first check digit', '11222333000191'],
    ['wrong second check digit', '11222333000182'],
    ['all digits equal', '11111111111111'],
    ['all zeros', '00000000000000'],
    ['too short', '1122233300018'],
    ['too long', '112223330001811'],
    ['punctuation', '11.222.333/0001-81'],
    ['letters', '1122233300018X'],
  ])('rejects %s (%s)', (_label, cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });

  it('does not accept a CNPJ as a CPF or the reverse', () => {
    expect(isValidCpf('11222333000181')).toBe(false);
    expect(isValidCnpj('52998224725')).toBe(false);
    expect(isValidCpfOrCnpj('12345678901')).toBe(false);
  });
});

describe('endToEndId format', () => {
  const valid = 'E00000000202403151245abcDEF12345';

  it('accepts a well-formed id', () => {
    expect(valid).toHaveLength(32);
    expect(isEndToEndId(valid)).toBe(true);
  });

  it('accepts 29 February in a leap year only', () => {
    expect(isEndToEndId('E60701190202402292359A1b2C3d4E5f')).toBe(true);
    expect(isEndToEndId('E60701190202302292359A1b2C3d4E5f')).toBe(false);
  });

  it.each([
    ['too short', valid.slice(0, 31)],
    ['too long', `${valid}X`],
    ['month 13', 'E00000000202413151245abcDEF12345'],
    ['month 00', 'E00000000202400151245abcDEF12345'],
    ['day 00', 'E00000000202403001245abcDEF12345'],
    ['31 April', 'E00000000202404311245abcDEF12345'],
    ['hour 24', 'E00000000202403152445abcDEF12345'],
    ['minute 60', 'E00000000202403151260abcDEF12345'],
    ['lowercase leading e', `e${valid.slice(1)}`],
    ['non-alphanumeric tail', 'E00000000202403151245abcDEF1234-'],
    ['letter in ISPB', 'E0000000A202403151245abcDEF12345'],
  ])('rejects %s', (_label, id) => {
    expect(isEndToEndId(id)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isEndToEndId(undefined)).toBe(false);
    expect(isEndToEndId(42)).toBe(false);
  });
});

describe('endToEndId generator', () => {
  it('embeds the payer ISPB and the UTC minute', () => {
    const id = endToEndId('18236120', new Date(Date.UTC(2025, 0, 2, 3, 4, 59)));
    expect(id.slice(0, 21)).toBe('E18236120202501020304');
    expect(isEndToEndId(id)).toBe(true);
  });

  it('refuses a malformed ISPB or an invalid date', () => {
    expect(() => endToEndId('1234', new Date())).toThrow(RangeError);
    expect(() => endToEndId('18236120', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('other field formats', () => {
  it('ISPB is exactly 8 digits', () => {
    expect(isIspb('00000000')).toBe(true);
    expect(isIspb('0000000')).toBe(false);
    expect(isIspb('000000000')).toBe(false);
    expect(isIspb('0000000a')).toBe(false);
    expect(isIspb(60701190)).toBe(false);
  });

  it('txId is 26 to 35 alphanumerics', () => {
    expect(isTxId('a'.repeat(26))).toBe(true);
    expect(isTxId('Z9'.repeat(17) + 'x')).toBe(true);
    expect(isTxId('a'.repeat(25))).toBe(false);
    expect(isTxId('a'.repeat(36))).toBe(false);
    expect(isTxId(`${'a'.repeat(29)}-`)).toBe(false);
  });

  it('agencia and conta are digit strings of bounded length', () => {
    expect(isAgencia('1')).toBe(true);
    expect(isAgencia('0001')).toBe(true);
    expect(isAgencia('')).toBe(false);
    expect(isAgencia('12345')).toBe(false);
    expect(isContaTransacional('9'.repeat(20))).toBe(true);
    expect(isContaTransacional('9'.repeat(21))).toBe(false);
    expect(isContaTransacional('12345-6')).toBe(false);
  });

  it('tipo de conta is one of the ISO codes', () => {
    for (const tipo of TIPOS_CONTA) {
      expect(isTipoConta(tipo)).toBe(true);
    }
    expect(isTipoConta('cacc')).toBe(false);
    expect(isTipoConta('POUP')).toBe(false);
  });

  it('valor is positive, below 1e10, with at most two decimals', () => {
    for (const ok of [0.01, 0.1, 0.29, 1, 150.75, 9_999_999_999.99]) {
      expect(isValor(ok)).toBe(true);
    }
    for (const bad of [0, -1, 0.001, 1.005, 1e10, Number.NaN, Number.POSITIVE_INFINITY, '10.00']) {
      expect(isValor(bad)).toBe(false);
    }
  });
});

describe('random helpers', () => {
  it('produce values of the requested shape', () => {
    expect(randomDigits(12)).toMatch(/^\d{12}$/);
    expect(randomAlphanumeric(40)).toMatch(/^[A-Za-z0-9]{40}$/);
    for (let i = 0; i < 1000; i++) {
      const n = randomInt(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
    expect(pick(['only'])).toBe('only');
    expect(() => pick([])).toThrow(RangeError);
  });
});

describe(`${SAMPLES} generated values pass the validators`, () => {
  it('randomCpf', () => {
    for (let i = 0; i < SAMPLES; i++) {
      const cpf = randomCpf();
      if (!isValidCpf(cpf)) throw new Error(`invalid CPF generated: ${cpf}`);
    }
  });

  it('randomCnpj', () => {
    for (let i = 0; i < SAMPLES; i++) {
      const cnpj = randomCnpj();
      if (!isValidCnpj(cnpj)) throw new Error(`invalid CNPJ generated: ${cnpj}`);
    }
  });

  it('endToEndId, at random instants between 2020 and 2035', () => {
    const from = Date.UTC(2020, 0, 1);
    const to = Date.UTC(2035, 11, 31, 23, 59);
    for (let i = 0; i < SAMPLES; i++) {
      const at = new Date(randomInt(from, to));
      const id = endToEndId(pick(PARTICIPANTS).ispb, at);
      if (!isEndToEndId(id)) throw new Error(`invalid endToEndId generated: ${id}`);
    }
  });

  it('txId', () => {
    for (let i = 0; i < SAMPLES; i++) {
      const id = txId();
      if (!isTxId(id)) throw new Error(`invalid txId generated: ${id}`);
    }
  });

  it('randomValor, mostly small amounts', () => {
    let under1000 = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const valor = randomValor();
      if (!isValor(valor)) throw new Error(`invalid valor generated: ${valor}`);
      if (valor > 50_000) throw new Error(`valor above the generator cap: ${valor}`);
      if (valor < 1000) under1000++;
    }
    expect(under1000 / SAMPLES).toBeGreaterThan(0.8);
  });
});

describe('participants', () => {
  it('has at least 15 entries with unique 8-digit ISPBs and names', () => {
    expect(PARTICIPANTS.length).toBeGreaterThanOrEqual(15);
    for (const p of PARTICIPANTS) {
      expect(isIspb(p.ispb)).toBe(true);
      expect(p.name.trim()).not.toBe('');
    }
    expect(new Set(PARTICIPANTS.map((p) => p.ispb)).size).toBe(PARTICIPANTS.length);
  });
});

describe('names', () => {
  it('person names have a first name and at least one surname', () => {
    for (let i = 0; i < 1000; i++) {
      const name = randomPersonName();
      expect(name.split(' ').length).toBeGreaterThanOrEqual(2);
      expect(name).toBe(name.trim());
    }
  });

  it('company names are non-empty and end with a legal-form suffix', () => {
    for (let i = 0; i < 1000; i++) {
      expect(randomCompanyName()).toMatch(/\S (Ltda|ME|EIRELI|S\.A\.)$/);
    }
  });
});
