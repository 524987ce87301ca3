/**
 * What real participants send is taken as the catalogue (5.13.1,
 * pacs.008.spi.1.16) has it, and handed on as the SPI hands it on: each case
 * posts a pacs.008 written the way a bank's own system writes one
 * (support/bank-pacs008.ts, not pix-stream's renderer) and reads what arrives
 * with a namespace-aware parser we did not write (@xmldom/xmldom).
 */
import { drain } from '../support/collector';
import { bankPacs008, PACS008_NS, type BankPacs008 } from '../support/bank-pacs008';
import { randomIspb } from '../support/factories';
import { icomDrain, icomRequest } from '../support/icom-client';
import { creditTransfer, post } from '../support/icom-post';
import { documentLeaves, dom, SPI_ISPB, spiView, textAt } from '../support/spi-dom';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '300' });
});
afterAll(() => server.stop());

/** A fresh ISPB with a letter in it, as Bacen's virtual participants have (99999A04). */
const alphanumericIspb = () => `${randomIspb().slice(0, 5)}A${randomIspb().slice(0, 2)}`;

async function storedFor(ispbs: string[]): Promise<{ kind: string; receiver: string }[]> {
  const { rows } = await server.db.query<{ kind: string; receiver: string }>(
    `SELECT kind, receiver_ispb AS receiver FROM messages WHERE receiver_ispb = ANY ($1::text[]) OR sender_ispb = ANY ($1::text[]) ORDER BY id`,
    [ispbs],
  );
  return rows;
}

/** Posts `options`' pacs.008 as its payer; expects a 201, one PI-ResourceId, and no admi.002 on the payer's stream. */
async function accepted(options: BankPacs008) {
  const sent = bankPacs008(options);
  const reply = await post(server.url, options.payer, [sent.xml]);
  expect(reply.status).toBe(201);
  expect(reply.resourceIds).toHaveLength(1);
  // No admi.002; a payment to 99999A04 may already have its ACSC (any JOBS=on server of the suite plays 99999A04).
  const onPayerStream = await icomDrain(server.url, options.payer);
  expect(onPayerStream.filter((m) => !/<TxSts>ACSC<\/TxSts>/.test(m.xml))).toEqual([]);
  return sent;
}

/** The one message on `ispb`'s ICOM stream, and the check that the SPI handed it on: its AppHdr, the sender's Document. */
async function handedOn(sentXml: string, receiver: string) {
  const received = await icomDrain(server.url, receiver, { multipart: true });
  expect(received).toHaveLength(1);
  const view = spiView(received[0]!.xml);
  expect(view.ns).toBe(PACS008_NS);
  expect(view.header.from).toBe(SPI_ISPB);
  expect(view.header.to).toBe(receiver);
  expect(view.header.bizMsgIdr).toMatch(new RegExp(`^M${SPI_ISPB}[0-9A-Za-z]{23}$`));
  expect(textAt(view.body, PACS008_NS, 'GrpHdr', 'MsgId')).toBe(view.header.bizMsgIdr);
  expect(textAt(view.body, PACS008_NS, 'GrpHdr', 'CreDtTm')).toBe(view.header.createdAt);
  expect(documentLeaves(view)).toEqual(documentLeaves(spiView(sentXml)));
  return { xml: received[0]!.xml, view };
}

describe('accepted as sent', () => {
  it('a manual payment (MANU) without TxId or creditor name is delivered with the SPI AppHdr, and as JSON with null txId and nome', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const { view } = await handedOn((await accepted({ payer, receiver, instrument: 'MANU' })).xml, receiver);
    expect(() => textAt(view.body, PACS008_NS, 'CdtTrfTxInf', 'PmtId', 'TxId')).toThrow();
    // A transfer is delivered once, to whichever face claims it: a second one for the JSON face.
    const sent = await accepted({ payer, receiver, instrument: 'MANU' });
    const [json] = await drain(server.url, receiver, { multipart: true }); // validated against the OpenAPI document
    expect(json).toMatchObject({ endToEndId: sent.endToEndId, txId: null, valor: 25.9 });
    expect(json!.recebedor).toMatchObject({ nome: null, cpfCnpj: '11444777000161', ispb: receiver });
  });

  it('a static QR payment (QRES) with a TxId of 10 characters is accepted and its TxId shown', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const options: BankPacs008 = { payer, receiver, instrument: 'QRES', txId: 'LOJA123ABC', key: '+5561999990000' };
    await handedOn((await accepted(options)).xml, receiver);
    const sent = await accepted(options);
    const [json] = await drain(server.url, receiver);
    expect(json).toMatchObject({ endToEndId: sent.endToEndId, txId: 'LOJA123ABC' });
  });

  it('a Pix-key payment (DICT) whose accounts have no branch, a letter in the account and an alphanumeric CNPJ', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const options: BankPacs008 = { payer, receiver, instrument: 'DICT', key: 'ana@example.com', debtorBranch: null, creditorBranch: null, creditorAccount: '12345X', creditorDocument: '12ABC34501DE35', accountType: 'OTHR' };
    await handedOn((await accepted(options)).xml, receiver);
    await accepted(options);
    const [json] = await drain(server.url, receiver);
    expect(json!.pagador).toMatchObject({ agencia: null });
    expect(json!.recebedor).toMatchObject({ agencia: null, contaTransacional: '12345X', cpfCnpj: '12ABC34501DE35', tipoConta: 'OTHR' });
  });

  it('a payment to an alphanumeric ISPB reaches that participant’s stream', async () => {
    const [payer, receiver] = [randomIspb(), alphanumericIspb()];
    const sent = await accepted({ payer, receiver });
    await handedOn(sent.xml, receiver);
  });

  it('a payment to 99999A04, Bacen’s virtual participant, is stored for it', async () => {
    const payer = randomIspb();
    await accepted({ payer, receiver: '99999A04' });
    // Its ACSC to the payer may follow: 99999A04 is played by the virtual worker of any JOBS=on server on this database.
    expect((await storedFor([payer])).filter((m) => m.kind === 'pacs.008')).toEqual([{ kind: 'pacs.008', receiver: '99999A04' }]);
  });

  it('an env:-prefixed Envelope is the same message: accepted, and handed on with the SPI AppHdr under the same prefix', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const sent = await accepted({ payer, receiver, prefix: 'env' });
    const { xml } = await handedOn(sent.xml, receiver);
    expect(xml).toContain(`<env:Envelope xmlns:env="${PACS008_NS}">`);
    expect(xml).toContain(`<env:AppHdr><env:Fr><env:FIId><env:FinInstnId><env:Othr><env:Id>${SPI_ISPB}</env:Id>`);
  });

  it('everything but the SPI’s AppHdr, MsgId and CreDtTm is the sender’s document, character for character', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const sent = await accepted({ payer, receiver });
    const { xml, view } = await handedOn(sent.xml, receiver);
    const ours = xml.replace(/<AppHdr>.*<\/AppHdr>/s, '<AppHdr/>').replace(view.header.bizMsgIdr, 'ID').replace(`<CreDtTm>${view.header.createdAt}`, '<CreDtTm>T');
    const theirs = sent.xml.replace(/<AppHdr>.*<\/AppHdr>/s, '<AppHdr/>').replace(sent.bizMsgIdr, 'ID').replace(/<CreDtTm>[^<]*/, '<CreDtTm>T');
    expect(ours).toBe(theirs);
  });

  it('the pacs.008 pix-stream renders itself is accepted too, and handed on with the SPI AppHdr', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    expect((await post(server.url, payer, [transfer.xml])).status).toBe(201);
    await handedOn(transfer.xml, receiver);
  });
});

describe('refused once, with an admi.002 on the sender’s stream', () => {
  const refusals: [string, (payer: string, receiver: string) => string, RegExp][] = [
    ['a MANU payment carrying a TxId', (p, r) => bankPacs008({ payer: p, receiver: r, instrument: 'MANU', txId: 'ABC123' }).xml, /PmtId\/TxId: a MANU payment carries no TxId/],
    ['a dynamic QR payment (QRDN) without its TxId', (p, r) => bankPacs008({ payer: p, receiver: r, instrument: 'QRDN', key: 'k@x.com' }).xml, /PmtId\/TxId: a QRDN payment carries the TxId/],
    ['a TxId of 36 characters', (p, r) => bankPacs008({ payer: p, receiver: r, instrument: 'QRES', txId: 'A'.repeat(36) }).xml, /TxId/],
    ['the right prefix bound to another namespace', (p, r) => bankPacs008({ payer: p, receiver: r, prefix: 'env' }).xml.replace(PACS008_NS, 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09'), /namespace/],
    ['AppHdr in no namespace', (p, r) => bankPacs008({ payer: p, receiver: r }).xml.replace('<AppHdr>', '<AppHdr xmlns="">'), /Envelope\/AppHdr: is in no namespace/],
    ['broken XML', () => '<Envelope><AppHdr></Envelope>', /unexpected close tag/],
  ];

  it.each(refusals)('%s: 201, an admi.002 naming the field, nothing else stored', async (_label, make, detail) => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const reply = await post(server.url, payer, [make(payer, receiver)]);
    expect(reply.status).toBe(201);
    expect(reply.resourceIds).toHaveLength(1);
    expect(await storedFor([payer, receiver])).toEqual([{ kind: 'admi.002', receiver: payer }]);
    const [admi] = await icomDrain(server.url, payer);
    const view = spiView(admi!.xml);
    expect(view.header).toMatchObject({ from: SPI_ISPB, to: payer, msgDefIdr: 'admi.002.spi.1.5' });
    expect(textAt(view.body, view.ns, 'Rsn', 'RsnDesc')).toMatch(detail);
  });

  it('an admi.002 for a document without a readable BizMsgIdr names the PI-ResourceId of its POST', async () => {
    const payer = randomIspb();
    const reply = await post(server.url, payer, ['<Envelope>']);
    expect(reply.status).toBe(201);
    const [admi] = await icomDrain(server.url, payer);
    const view = spiView(admi!.xml);
    expect(textAt(view.body, view.ns, 'RltdRef', 'Ref')).toBe(reply.resourceIds[0]);
  });
});

describe('the catalogue', () => {
  it.each([
    ['in', ['camt.060.spi.1.9', 'pacs.002.spi.1.17', 'pacs.004.spi.1.5', 'pacs.008.spi.1.16', 'pibr.001.spi.1.3']],
    ['out', ['admi.002.spi.1.5', 'camt.052.spi.1.3', 'camt.053.spi.1.4', 'pacs.002.spi.1.17', 'pacs.004.spi.1.5', 'pacs.008.spi.1.16', 'pibr.002.spi.1.3']],
  ])('GET /api/v1/%s/catalog lists the versions that direction carries', async (direction, versions) => {
    const reply = await icomRequest(server.url, `/api/v1/${direction}/catalog`, { 'accept-encoding': 'gzip' });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/xml/);
    const root = dom(reply.text).documentElement!;
    expect(root.localName).toBe('Catalog');
    expect(Array.from(root.getElementsByTagName('Message')).map((m) => m.textContent)).toEqual(versions);
  });
});
