/**
 * Returns and queries at the SPI (docs/spi.md): a pacs.004 of a settled
 * payment is handed to the payment's payer, whose ACSP settles it back
 * (ACSC to the returner, ACCC to the payer), several partial returns up to
 * the payment's amount and no further (AM09); a camt.060 is answered with the
 * account's balance (camt.053) or its entries of a period (camt.052), a
 * pibr.001 with its echo. Every XML is read with @xmldom/xmldom.
 */
import { randomIspb } from '../support/factories';
import { Bank } from '../support/spi-bank';
import { textAt } from '../support/spi-dom';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '300' });
});
afterAll(() => server.stop());

const pair = () => [new Bank(server.url, randomIspb()), new Bank(server.url, randomIspb())] as const;

async function balance(ispb: string): Promise<string> {
  return ((await (await fetch(`${server.url}/api/util/accounts/${ispb}`)).json()) as { balance: string }).balance;
}

/** a pays b `amount`, b accepts, both read their reports. */
async function settled(a: Bank, b: Bank, amount: number): Promise<string> {
  const transfer = await a.pay(b.ispb, amount);
  await b.inbox();
  await b.answer(transfer.endToEndId, 'ACSP');
  expect((await a.inbox()).map((m) => m.status)).toEqual(['ACSC']);
  expect((await b.inbox()).map((m) => m.status)).toEqual(['ACCC']);
  return transfer.endToEndId;
}

describe('a return (pacs.004)', () => {
  it('of part of a settled payment: handed to its payer, whose ACSP settles it back; returns stop at the payment’s amount (AM09)', async () => {
    const [a, b] = pair();
    const endToEndId = await settled(a, b, 100);
    const returnId = await b.giveBack(endToEndId, 40, 'MD06');
    const [handed] = await a.inbox();
    expect(handed!.kind).toBe('pacs.004');
    expect(handed!.view.header.to).toBe(a.ispb);
    expect(textAt(handed!.view.body, handed!.view.ns, 'TxInf', 'RtrId')).toBe(returnId);
    expect(textAt(handed!.view.body, handed!.view.ns, 'TxInf', 'OrgnlEndToEndId')).toBe(endToEndId);
    await a.answer(endToEndId, 'ACSP', null, returnId);
    expect(await b.inbox()).toMatchObject([{ kind: 'pacs.002', status: 'ACSC', instruction: returnId, endToEndId }]);
    expect(await a.inbox()).toMatchObject([{ kind: 'pacs.002', status: 'ACCC', instruction: returnId, endToEndId }]);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['999940.00', '1000060.00']);

    await b.giveBack(endToEndId, 60.01);
    expect(await b.inbox()).toMatchObject([{ kind: 'pacs.002', status: 'RJCT', reason: 'AM09' }]);
    expect(await a.inbox()).toEqual([]);

    const rest = await b.giveBack(endToEndId, 60);
    await a.inbox();
    await a.answer(endToEndId, 'ACSP', null, rest);
    expect((await b.inbox()).map((m) => m.status)).toEqual(['ACSC']);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['1000000.00', '1000000.00']);
  });

  it('refused by its payer (RJCT): nothing moves back, the returner is told', async () => {
    const [a, b] = pair();
    const endToEndId = await settled(a, b, 10);
    const returnId = await b.giveBack(endToEndId, 10);
    await a.inbox();
    await a.answer(endToEndId, 'RJCT', 'AC03', returnId);
    expect(await b.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AC03', instruction: returnId }]);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['999990.00', '1000010.00']);
  });

  it.each([
    ['of a payment not settled yet', 'was not settled'],
    ['sent by the payment’s payer instead of its receiver', 'only the receiver'],
    ['of a payment the SPI does not hold', 'is held by the SPI'],
  ])('%s: an admi.002, nothing handed on', async (label, detail) => {
    const [a, b] = pair();
    const transfer = await a.pay(b.ispb, 10);
    await b.inbox();
    const returner = label.includes('payer') ? a : b;
    if (label.includes('payer')) {
      await b.answer(transfer.endToEndId, 'ACSP');
      await b.inbox();
    }
    await a.inbox();
    await returner.giveBack(label.includes('does not hold') ? `E${a.ispb}202612070000zzzzzzzzzzz` : transfer.endToEndId, 1);
    const [admi, ...more] = await returner.inbox();
    expect(more).toEqual([]);
    expect(admi).toMatchObject({ kind: 'admi.002' });
    expect(admi!.xml).toContain(detail);
    expect(await (returner === a ? b : a).inbox()).toEqual([]);
  });
});

describe('queries', () => {
  it('camt.060 for camt.053: the reserve account’s balance now, under the request’s MsgId', async () => {
    const [a, b] = pair();
    await settled(a, b, 12.34);
    const query = b.queryXml('camt.053');
    await b.send([query.xml]);
    const [statement] = await b.inbox();
    expect(statement!.kind).toBe('camt.053');
    const { body, ns } = statement!.view;
    expect(textAt(body, ns, 'Stmt', 'Id')).toBe(query.bizMsgIdr);
    expect(textAt(body, ns, 'Stmt', 'Acct', 'Id', 'Othr', 'Id')).toBe(b.ispb);
    expect(textAt(body, ns, 'Stmt', 'Bal', 'Amt')).toBe('1000012.34');
    expect(textAt(body, ns, 'Stmt', 'Bal', 'CdtDbtInd')).toBe('CRDT');
  });

  it('camt.060 for camt.052: how many entries the period booked and where the statement is; that path lists them', async () => {
    const [a, b] = pair();
    await settled(a, b, 1);
    await settled(b, a, 2);
    const today = new Date().toISOString().slice(0, 10);
    await a.send([a.queryXml('camt.052', a.ispb, { from: today, to: today }).xml]);
    const [report] = await a.inbox();
    expect(report!.kind).toBe('camt.052');
    const { body, ns } = report!.view;
    expect(textAt(body, ns, 'Rpt', 'TxsSummry', 'TtlNtries', 'NbOfNtries')).toBe('3'); // opening, the payment out, the payment in
    const where = textAt(body, ns, 'Rpt', 'AddtlRptInf');
    expect(where).toBe(`/api/util/accounts/${a.ispb}/entries?from=${today}&to=${today}`);
    const listed = (await (await fetch(`${server.url}${where}`)).json()) as { entries: { kind: string; amount: string }[] };
    expect(listed.entries.map((e) => [e.kind, e.amount])).toEqual([['opening', '1000000.00'], ['transfer', '-1.00'], ['transfer', '2.00']]);

    await a.send([a.queryXml('camt.052', a.ispb, { from: '2020-01-01', to: '2020-01-02' }).xml]);
    const [empty] = await a.inbox();
    expect(textAt(empty!.view.body, empty!.view.ns, 'Rpt', 'TxsSummry', 'TtlNtries', 'NbOfNtries')).toBe('0');
  });

  it('camt.060 about another participant’s account: an admi.002', async () => {
    const [a, b] = pair();
    await a.send([a.queryXml('camt.053', b.ispb).xml]);
    const [admi] = await a.inbox();
    expect(admi).toMatchObject({ kind: 'admi.002' });
    expect(admi!.xml).toContain('its own reserve account only');
  });

  it('camt.060 with ToDt before FrDt: an admi.002 naming ToDt', async () => {
    const [a] = pair();
    await a.send([a.queryXml('camt.052', a.ispb, { from: '2026-12-07', to: '2026-12-06' }).xml]);
    const [admi] = await a.inbox();
    expect(admi).toMatchObject({ kind: 'admi.002' });
    expect(admi!.xml).toContain('ToDt');
  });

  it('pibr.001: a pibr.002 echoing its Data', async () => {
    const [a] = pair();
    await a.send([a.echoXml('ping é 42')]);
    const [echo] = await a.inbox();
    expect(echo!.kind).toBe('pibr.002');
    expect(echo!.view.header.to).toBe(a.ispb);
    expect(textAt(echo!.view.body, echo!.view.ns, 'EchoTxInf', 'OrgnlData')).toBe('ping é 42');
  });
});
