/**
 * ICOM inbound, in relay mode (SPI_SETTLEMENT=off; settlement, the default,
 * is test/spi/): participants post messages and pix-stream routes them. Valid
 * messages of each kind are stored and answered 201 with PI-ResourceIds and
 * handed on with the SPI's AppHdr. Bad input is refused through one channel,
 * the one the ICOM manual names for it: a request the interface cannot take
 * (media type, charset, MIME, size, path) gets its 4xx in problem+xml and
 * nothing is stored; a message the SPI will not process gets a 201 and an
 * admi.002 in the sender's stream, and nothing else of it is stored.
 */
import { XMLValidator } from 'fast-xml-parser';
import { documentLeaves, SPI_ISPB, spiView } from '../support/spi-dom';
import { drain } from '../support/collector';
import { randomIspb } from '../support/factories';
import { icomDrain } from '../support/icom-client';
import { creditTransfer, post, statusReport, withThreeDecimalAmount, type PostReply } from '../support/icom-post';
import { jsonFromThirdParty, thirdPartyXml } from '../support/pacs008-third-party';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '300', SPI_SETTLEMENT: 'off' });
});
afterAll(() => server.stop());

const RESOURCE_ID = /^[A-Za-z0-9+/]{32}$/;

async function stored(ispbs: string[]): Promise<{ posted: number; rejections: number }> {
  const { rows } = await server.db.query<{ posted: number; rejections: number }>(
    `SELECT count(*) FILTER (WHERE kind <> 'admi.002')::int AS posted, count(*) FILTER (WHERE kind = 'admi.002')::int AS rejections
       FROM messages WHERE receiver_ispb = ANY ($1::text[]) OR sender_ispb = ANY ($1::text[])`,
    [ispbs],
  );
  return rows[0];
}

function problemOf(reply: PostReply) {
  expect(reply.contentType).toMatch(/^application\/problem\+xml/);
  expect(XMLValidator.validate(reply.text)).toBe(true);
  return thirdPartyXml.parse(reply.text).problem as { status: string; detail: string };
}

describe('valid messages', () => {
  it('a credit transfer goes to its creditor agent, handed on by the SPI, and is also a challenge message of the receiver', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfers = Array.from({ length: 3 }, () => creditTransfer(payer, receiver));
    const single = await post(server.url, payer, [transfers[0].xml]);
    expect(single.status).toBe(201);
    expect(single.resourceIds).toHaveLength(1);
    expect(single.resourceIds[0]).toMatch(RESOURCE_ID);
    const batch = await post(server.url, payer, [transfers[1].xml, transfers[2].xml], { gzip: true });
    expect(batch.status).toBe(201);
    expect(batch.resourceIds).toHaveLength(2);

    const received = await icomDrain(server.url, receiver, { multipart: true });
    expect(received.map((m) => documentLeaves(spiView(m.xml)))).toEqual(transfers.map((t) => documentLeaves(spiView(t.xml))));
    expect(received.map((m) => spiView(m.xml).header)).toEqual(received.map(() => expect.objectContaining({ from: SPI_ISPB, to: receiver })));
    expect(received.map((m) => m.resourceId)).toEqual([...single.resourceIds, ...batch.resourceIds]);
    expect(await icomDrain(server.url, payer)).toEqual([]);
    expect(await stored([payer, receiver])).toEqual({ posted: 3, rejections: 0 });
  });

  it('a posted credit transfer reaches a challenge collector of the receiver as JSON read from the XML', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    expect((await post(server.url, payer, [transfer.xml])).status).toBe(201);
    const [json] = await drain(server.url, receiver, { multipart: true });
    const fromXml = jsonFromThirdParty(thirdPartyXml.parse(transfer.xml).Envelope.Document.FIToFICstmrCdtTrf.CdtTrfTxInf);
    expect(json).toEqual(fromXml);
  });

  it('a status report goes back to the payer, handed on by the SPI, on the ICOM face only', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    await post(server.url, payer, [transfer.xml]);
    const accepted = statusReport(receiver, transfer.endToEndId, 'ACSP');
    const rejected = statusReport(receiver, transfer.endToEndId, 'RJCT', 'AM04');
    expect((await post(server.url, receiver, [accepted.xml, rejected.xml])).status).toBe(201);
    expect(await drain(server.url, payer, { multipart: true })).toEqual([]); // the challenge's JSON cannot express a report
    const reports = await icomDrain(server.url, payer, { multipart: true });
    expect(reports.map((m) => documentLeaves(spiView(m.xml)))).toEqual([accepted, rejected].map((r) => documentLeaves(spiView(r.xml))));
    expect(reports.map((m) => spiView(m.xml).header)).toEqual(reports.map(() => expect.objectContaining({ from: SPI_ISPB, to: payer })));
  });
});

describe('idempotency', () => {
  it('reposting a BizMsgIdr answers the same PI-ResourceId and stores nothing new', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    const first = await post(server.url, payer, [transfer.xml]);
    const again = await post(server.url, payer, [transfer.xml], { gzip: true });
    expect(again.status).toBe(201);
    expect(again.resourceIds).toEqual(first.resourceIds);
    expect(await stored([payer, receiver])).toEqual({ posted: 1, rejections: 0 });
  });
});

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Envelope>&lol2;</Envelope>`;
const EXTERNAL_ENTITY = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Envelope>&xxe;</Envelope>`;

/** Requests the interface cannot take: a label, how to make it (under fresh ISPBs), the status, what the detail says. */
const transportErrors: [string, (payer: string, receiver: string) => Promise<PostReply>, number, RegExp][] = [
  ['a body over 1 MiB', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { rawBody: Buffer.alloc(1_100_000, 0x20) }), 413, /./],
  ['a gzip bomb inflating over 1 MiB', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { rawBody: Buffer.alloc(5_000_000, 0x20), gzip: true }), 413, /./],
  ['a malformed ISPB in the path', (p, r) => post(server.url, 'abc', [creditTransfer(p, r).xml]), 400, /ISPB/],
  ['11 parts', (p, r) => post(server.url, p, Array.from({ length: 11 }, () => creditTransfer(p, r).xml)), 400, /at most 10/],
  ['bad gzip', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { rawBody: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } }), 400, /./],
  ['a JSON media type', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { contentType: 'application/json' }), 415, /application\/xml/],
  ['a latin-1 charset', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { contentType: 'application/xml; charset=iso-8859-1' }), 415, /UTF-8/],
  ['a part of another media type', (p, r) => post(server.url, p, [creditTransfer(p, r).xml, creditTransfer(p, r).xml], { contentType: 'text/plain' }), 415, /Part 1/],
  ['multipart without a boundary', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { contentType: 'multipart/mixed' }), 400, /multipart/],
  ['bytes that are not UTF-8', (p) => post(server.url, p, ['x'], { rawBody: Buffer.from([0x3c, 0xff, 0xfe, 0x3e]) }), 400, /UTF-8/],
];

/** Messages the SPI will not process: a label, the documents to post as the payer (the 2nd ISPB is the receiver), what the admi.002 says. */
const messageErrors: [string, (payer: string, receiver: string) => string[], RegExp][] = [
  ['broken XML', () => ['<Envelope><AppHdr></Envelope>'], /unexpected close tag/],
  ['an XML bomb (entity expansion)', () => [BILLION_LAUGHS], /DOCTYPE/],
  ['an external entity', () => [EXTERNAL_ENTITY], /DOCTYPE/],
  ['another participant as sender (AppHdr/Fr)', (p, r) => [creditTransfer(r, p).xml], /AppHdr\/Fr/],
  ['an amount with three decimals', (p, r) => [withThreeDecimalAmount(creditTransfer(p, r).xml)], /IntrBkSttlmAmt/],
  ['a status report on an unknown transfer', (p) => [statusReport(p, `E${p}202611250000abcdefghijk`, 'ACSP').xml], /OrgnlEndToEndId/],
];

describe('bad input', () => {
  it.each(transportErrors)('%s: the right 4xx in problem+xml, nothing stored, no admi.002', async (_label, send, status, detail) => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const reply = await send(payer, receiver);
    expect(reply.status).toBe(status);
    expect(problemOf(reply).detail).toMatch(detail);
    expect(await stored([payer, receiver])).toEqual({ posted: 0, rejections: 0 });
  });

  it.each(messageErrors)('%s: 201, one admi.002 naming why, nothing else stored', async (_label, documents, detail) => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const reply = await post(server.url, payer, documents(payer, receiver));
    expect(reply.status).toBe(201);
    expect(reply.text).toBe('');
    expect(reply.resourceIds).toHaveLength(1);
    expect(await stored([payer, receiver])).toEqual({ posted: 0, rejections: 1 });
    const [admi] = await icomDrain(server.url, payer);
    expect(admi!.xml).toContain('admi.002');
    expect(admi!.xml).toMatch(detail);
  });

  it('one bad part among good ones: the good ones are stored and delivered, the bad one gets its admi.002', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const good = [creditTransfer(payer, receiver), creditTransfer(payer, receiver)];
    const reply = await post(server.url, payer, [good[0]!.xml, '<oops>', good[1]!.xml]);
    expect(reply.status).toBe(201);
    expect(reply.resourceIds).toHaveLength(3);
    expect(await stored([payer, receiver])).toEqual({ posted: 2, rejections: 1 });
    const [admi] = await icomDrain(server.url, payer);
    expect(admi!.xml).toContain('part 2');
    expect(admi!.xml).toContain(reply.resourceIds[1]); // no BizMsgIdr to name: the part's PI-ResourceId
    const delivered = await icomDrain(server.url, receiver, { multipart: true });
    expect(delivered.map((m) => documentLeaves(spiView(m.xml)))).toEqual(good.map((g) => documentLeaves(spiView(g.xml))));
  });

  it('a duplicate EndToEndId gets an admi.002 and the first transfer stays the only one', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const first = creditTransfer(payer, receiver);
    expect((await post(server.url, payer, [first.xml])).status).toBe(201);
    const copy = creditTransfer(payer, receiver);
    const reused = copy.xml.replace(copy.endToEndId, first.endToEndId);
    expect((await post(server.url, payer, [reused])).status).toBe(201);
    expect(await stored([payer, receiver])).toEqual({ posted: 1, rejections: 1 });
    const [admi] = await icomDrain(server.url, payer);
    expect(admi!.xml).toMatch(/EndToEndId.*already used/);
  });

  it('only the receiver of a transfer may report on it', async () => {
    const [payer, receiver, stranger] = [randomIspb(), randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    await post(server.url, payer, [transfer.xml]);
    expect((await post(server.url, stranger, [statusReport(stranger, transfer.endToEndId, 'ACSP').xml])).status).toBe(201);
    const [admi] = await icomDrain(server.url, stranger);
    expect(admi!.xml).toMatch(/only the receiver/);
    expect(await icomDrain(server.url, payer)).toEqual([]);
  });

  it('the sender receives an admi.002 naming the rejected message and the field, from the SPI', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    expect((await post(server.url, payer, [withThreeDecimalAmount(transfer.xml)])).status).toBe(201);
    const [admi] = await icomDrain(server.url, payer);
    expect(XMLValidator.validate(admi!.xml)).toBe(true);
    expect(spiView(admi!.xml).header).toMatchObject({ from: SPI_ISPB, to: payer, msgDefIdr: 'admi.002.spi.1.5' });
    expect(admi!.xml).toContain(transfer.bizMsgIdr);
    expect(admi!.xml).toContain('IntrBkSttlmAmt');
  });
});

it('gzip of a valid multipart body is accepted', async () => {
  const [payer, receiver] = [randomIspb(), randomIspb()];
  const documents = Array.from({ length: 10 }, () => creditTransfer(payer, receiver).xml);
  const reply = await post(server.url, payer, documents, { gzip: true });
  expect(reply.status).toBe(201);
  expect(reply.resourceIds).toHaveLength(10);
  expect(new Set(reply.resourceIds).size).toBe(10);
});
