/** What the generator stores passes a bank's own validation, field by field. */
import request from 'supertest';
import { isValidCnpj, isValidCpf } from '../../src/generation/rules/documents.js';
import { isAgencia, isContaTransacional, isEndToEndId, isIspb, isTipoConta, isTxId, isValor } from '../../src/generation/rules/formats.js';
import { PARTICIPANTS } from '../../src/generation/rules/participants.js';
import { randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const PARTICIPANT_ISPBS = new Set(PARTICIPANTS.map((participant) => participant.ispb));

function checkParty(party: Record<string, string>): void {
  expect(isIspb(party.ispb)).toBe(true);
  expect(isAgencia(party.agencia)).toBe(true);
  expect(isContaTransacional(party.contaTransacional)).toBe(true);
  expect(isTipoConta(party.tipoConta)).toBe(true);
  expect(party.nome.length).toBeGreaterThan(3);
  // A company name goes with a CNPJ, a person's with a CPF.
  const company = /\b(Ltda|ME|EIRELI|S\.A\.)$/.test(party.nome);
  expect(company ? isValidCnpj(party.cpfCnpj) : isValidCpf(party.cpfCnpj)).toBe(true);
}

it('every field of 10,000 generated messages passes the validators', async () => {
  const ispb = randomIspb();
  const res = await request(server.url).post(`/api/util/msgs/${ispb}/10000`);
  expect(res.status).toBe(201);
  // The very JSON the stream serves, straight from the same SQL.
  const { rows } = await server.db.query(
    `SELECT json_build_object(
       'endToEndId', m.end_to_end_id, 'valor', m.valor, 'txId', m.tx_id, 'campoLivre', m.campo_livre,
       'dataHoraPagamento', to_char(m.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       'pagador', row_to_json(p), 'recebedor', row_to_json(r)) AS message
       FROM messages m
       JOIN (SELECT id, nome, cpf_cnpj AS "cpfCnpj", ispb, agencia, conta_transacional AS "contaTransacional", tipo_conta AS "tipoConta" FROM clients) p ON p.id = m.payer_id
       JOIN (SELECT id, nome, cpf_cnpj AS "cpfCnpj", ispb, agencia, conta_transacional AS "contaTransacional", tipo_conta AS "tipoConta" FROM clients) r ON r.id = m.receiver_id
      WHERE m.receiver_ispb = $1`,
    [ispb],
  );
  expect(rows).toHaveLength(10_000);
  const receivers = new Set<string>();
  let cnpjs = 0;
  let withCampoLivre = 0;
  for (const { message } of rows) {
    expect(isEndToEndId(message.endToEndId)).toBe(true);
    expect(message.endToEndId.slice(1, 9)).toBe(message.pagador.ispb);
    expect(message.endToEndId.slice(9, 21)).toBe(message.dataHoraPagamento.replace(/[-T:]/g, '').slice(0, 12));
    expect(isTxId(message.txId)).toBe(true);
    expect(isValor(message.valor)).toBe(true);
    expect(message.dataHoraPagamento).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(PARTICIPANT_ISPBS.has(message.pagador.ispb)).toBe(true);
    expect(message.recebedor.ispb).toBe(ispb);
    checkParty(message.pagador);
    checkParty(message.recebedor);
    receivers.add(message.recebedor.cpfCnpj);
    if (message.pagador.cpfCnpj.length === 14) cnpjs += 1;
    if (message.campoLivre) withCampoLivre += 1;
  }
  // A pool of clients per ISPB, reused: far fewer receivers than messages.
  expect(receivers.size).toBeLessThanOrEqual(50);
  // Both kinds of tax id, and some free text, as real traffic has.
  expect(cnpjs).toBeGreaterThan(500);
  expect(withCampoLivre).toBeGreaterThan(500);
});

it('two concurrent generation requests for one ISPB never share an endToEndId', async () => {
  const ispb = randomIspb();
  const [a, b] = await Promise.all([
    request(server.url).post(`/api/util/msgs/${ispb}/20000`),
    request(server.url).post(`/api/util/msgs/${ispb}/20000`),
  ]);
  expect([a.status, b.status]).toEqual([201, 201]);
  const { rows } = await server.db.query(
    'SELECT count(*)::int AS total, count(DISTINCT end_to_end_id)::int AS distinct_ids FROM messages WHERE receiver_ispb = $1',
    [ispb],
  );
  expect(rows[0]).toEqual({ total: 40_000, distinct_ids: 40_000 });
});
