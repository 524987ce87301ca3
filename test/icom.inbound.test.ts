/**
 * ICOM inbound: participants post messages and pix-stream routes them. Valid
 * messages of each kind are stored and answered 201 with PI-ResourceIds; a
 * table of bad inputs gets the right 4xx in problem+xml, and the database
 * proves nothing of theirs was stored (a message-level rejection also puts an
 * admi.002 in the sender's stream, as the SPI does).
 */
import { XMLValidator } from 'fast-xml-parser';
import { drain } from './support/collector';
import { randomIspb } from './support/factories';
import { icomDrain } from './support/icom-client';
import { creditTransfer, post, statusReport, withThreeDecimalAmount, type PostReply } from './support/icom-post';
import { jsonFromThirdParty, thirdPartyXml } from './support/pacs008-third-party';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LONG_POLL_TIMEOUT_MS: '300' });
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
  it('a credit transfer goes to its creditor agent, byte for byte, and is also a challenge message of the receiver', async () => {
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
    expect(received.map((m) => m.xml)).toEqual(transfers.map((t) => t.xml));
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

  it('a status report goes back to the payer, byte for byte, on the ICOM face only', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    await post(server.url, payer, [transfer.xml]);
    const accepted = statusReport(receiver, transfer.endToEndId, 'ACSP');
    const rejected = statusReport(receiver, transfer.endToEndId, 'RJCT', 'AM04');
    expect((await post(server.url, receiver, [accepted.xml, rejected.xml])).status).toBe(201);
    expect(await drain(server.url, payer, { multipart: true })).toEqual([]); // the challenge's JSON cannot express a report
    const reports = await icomDrain(server.url, payer, { multipart: true });
    expect(reports.map((m) => m.xml)).toEqual([accepted.xml, rejected.xml]);
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

/** Pairs of a label and how to make the bad request (each under fresh ISPBs), with the status expected and whether an admi.002 follows. */
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Envelope>&lol2;</Envelope>`;
const EXTERNAL_ENTITY = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Envelope>&xxe;</Envelope>`;
const badInputs: [string, (payer: string, receiver: string) => Promise<PostReply>, number, boolean, RegExp][] = [
  ['broken XML', (p) => post(server.url, p, ['<Envelope><AppHdr></Envelope>']), 400, true, /./],
  ['an XML bomb (entity expansion)', (p) => post(server.url, p, [BILLION_LAUGHS]), 400, true, /DOCTYPE/],
  ['an external entity', (p) => post(server.url, p, [EXTERNAL_ENTITY]), 400, true, /DOCTYPE/],
  ['a body over 1 MiB', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { rawBody: Buffer.alloc(1_100_000, 0x20) }), 413, false, /./],
  ['a gzip bomb inflating over 1 MiB', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { rawBody: Buffer.alloc(5_000_000, 0x20), gzip: true }), 413, false, /./],
  ['a malformed ISPB in the path', (p, r) => post(server.url, 'abc', [creditTransfer(p, r).xml]), 400, false, /ISPB/],
  ['another participant as sender (AppHdr/Fr)', (p, r) => post(server.url, p, [creditTransfer(r, p).xml]), 422, true, /AppHdr\/Fr/],
  ['an amount with three decimals', (p, r) => post(server.url, p, [withThreeDecimalAmount(creditTransfer(p, r).xml)]), 422, true, /IntrBkSttlmAmt/],
  ['11 parts', (p, r) => post(server.url, p, Array.from({ length: 11 }, () => creditTransfer(p, r).xml)), 400, false, /at most 10/],
  ['bad gzip', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { rawBody: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } }), 400, false, /./],
  ['a JSON media type', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { contentType: 'application/json' }), 415, false, /application\/xml/],
  ['a latin-1 charset', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { contentType: 'application/xml; charset=iso-8859-1' }), 415, false, /UTF-8/],
  ['a part of another media type', (p, r) => post(server.url, p, [creditTransfer(p, r).xml, creditTransfer(p, r).xml], { contentType: 'text/plain' }), 415, false, /Part 1/],
  ['multipart without a boundary', (p, r) => post(server.url, p, [creditTransfer(p, r).xml], { contentType: 'multipart/mixed' }), 400, false, /multipart/],
  ['bytes that are not UTF-8', (p) => post(server.url, p, ['x'], { rawBody: Buffer.from([0x3c, 0xff, 0xfe, 0x3e]) }), 400, false, /UTF-8/],
  ['a status report on an unknown transfer', (p, r) => post(server.url, r, [statusReport(r, `E${p}202611250000abcdefghijk`, 'ACSP').xml]), 422, true, /OrgnlEndToEndId/],
  ['one bad part among good ones', (p, r) => post(server.url, p, [creditTransfer(p, r).xml, '<oops/>', creditTransfer(p, r).xml]), 422, true, /part 2/],
  ['one unreadable part among good ones', (p, r) => post(server.url, p, [creditTransfer(p, r).xml, creditTransfer(p, r).xml, '<oops>']), 400, true, /part 3/],
];

describe('bad input', () => {
  it.each(badInputs)('%s: answered with the right 4xx in problem+xml, nothing stored', async (_label, send, status, rejection, detail) => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const reply = await send(payer, receiver);
    expect(reply.status).toBe(status);
    expect(problemOf(reply).detail).toMatch(detail);
    const after = await stored([payer, receiver]);
    expect(after.posted).toBe(0);
    expect(after.rejections).toBe(rejection ? 1 : 0);
  });

  it('a duplicate EndToEndId is refused (422) and the first transfer stays the only one', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const first = creditTransfer(payer, receiver);
    expect((await post(server.url, payer, [first.xml])).status).toBe(201);
    const copy = creditTransfer(payer, receiver);
    const reused = copy.xml.replace(copy.endToEndId, first.endToEndId);
    const reply = await post(server.url, payer, [reused]);
    expect(reply.status).toBe(422);
    expect(problemOf(reply).detail).toMatch(/EndToEndId/);
    expect(await stored([payer, receiver])).toEqual({ posted: 1, rejections: 1 });
  });

  it('only the receiver of a transfer may report on it', async () => {
    const [payer, receiver, stranger] = [randomIspb(), randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    await post(server.url, payer, [transfer.xml]);
    const reply = await post(server.url, stranger, [statusReport(stranger, transfer.endToEndId, 'ACSP').xml]);
    expect(reply.status).toBe(422);
    expect(problemOf(reply).detail).toMatch(/only the receiver/);
  });

  it('the sender receives an admi.002 naming the rejected message and the field', async () => {
    const [payer, receiver] = [randomIspb(), randomIspb()];
    const transfer = creditTransfer(payer, receiver);
    const bad = withThreeDecimalAmount(transfer.xml);
    expect((await post(server.url, payer, [bad])).status).toBe(422);
    const [admi] = await icomDrain(server.url, payer);
    expect(XMLValidator.validate(admi.xml)).toBe(true);
    expect(admi.xml).toContain('admi.002');
    expect(admi.xml).toContain(transfer.bizMsgIdr);
    expect(admi.xml).toContain('IntrBkSttlmAmt');
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
