/**
 * What the ICOM face delivers is a pacs.008 carrying exactly the data of the
 * same message's JSON form: 2,000 generated messages drained over ICOM, each
 * parsed by fast-xml-parser and compared field for field with the JSON the
 * challenge face would send for it (all but the creditor's name, which the
 * SPI's pacs.008 does not carry). A row stored without XML (an older
 * version's data) is rendered on its first ICOM delivery and kept.
 */
import { XMLValidator } from 'fast-xml-parser';
import { MESSAGE_JSON_SQL } from '../../src/stream/sql/message-json';
import { icomDrain, icomRequest } from '../support/icom-client';
import { randomIspb, seedMessages } from '../support/factories';
import { jsonFromThirdParty, thirdPartyXml, withoutCreditorName, type N } from '../support/pacs008-third-party';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** The JSON form of each message of the ISPB, as the challenge face builds it, by endToEndId. */
async function jsonForms(ispb: string): Promise<Map<string, unknown>> {
  const { rows } = await server.db.query<{ body: string }>(`SELECT ${MESSAGE_JSON_SQL} AS body FROM messages m WHERE receiver_ispb = $1`, [ispb]);
  return new Map(rows.map((row) => JSON.parse(row.body)).map((message) => [message.endToEndId, message]));
}

it('2,000 messages: every delivered XML is a well-formed pacs.008 whose every field equals the JSON form but the creditor’s name', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 2000);
  const expected = await jsonForms(ispb);
  const received = await icomDrain(server.url, ispb, { multipart: true, gzip: true });
  expect(received).toHaveLength(2000);
  const seen = new Set<string>();
  for (const { xml, resourceId } of received) {
    expect(XMLValidator.validate(xml)).toBe(true);
    const envelope = thirdPartyXml.parse(xml).Envelope as N;
    expect(envelope['@_xmlns']).toBe('https://www.bcb.gov.br/pi/pacs.008/1.16');
    const header = envelope.AppHdr;
    expect(header.MsgDefIdr).toBe('pacs.008.spi.1.16');
    expect(header.Fr.FIId.FinInstnId.Othr.Id).toBe('00038166');
    expect(header.To.FIId.FinInstnId.Othr.Id).toBe(ispb);
    expect(header.BizMsgIdr).toMatch(/^M00038166[0-9A-Z]{23}$/);
    const transfer = envelope.Document.FIToFICstmrCdtTrf;
    expect(transfer.GrpHdr.MsgId).toBe(header.BizMsgIdr);
    expect(transfer.CdtTrfTxInf.IntrBkSttlmAmt['@_Ccy']).toBe('BRL');
    expect(transfer.CdtTrfTxInf.IntrBkSttlmAmt['#text']).toMatch(/^\d+\.\d{2}$/);
    const message = jsonFromThirdParty(transfer.CdtTrfTxInf);
    expect(message).toEqual(withoutCreditorName(expected.get(message.endToEndId) as { recebedor: object }));
    seen.add(message.endToEndId);
    expect(resourceId).toMatch(/^[A-Za-z0-9+/]{32}$/);
  }
  expect(seen.size).toBe(2000);
  expect(new Set(received.map((m) => m.resourceId)).size).toBe(2000);
}, 120_000);

it('a message stored without XML is rendered on its first ICOM delivery, and the same document is kept for redelivery', async () => {
  const ispb = randomIspb();
  await seedMessages(server.db, ispb, 3);
  await server.db.query('UPDATE messages SET xml = NULL WHERE receiver_ispb = $1', [ispb]);
  const expected = await jsonForms(ispb);
  const first = await icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
  expect(first.messages).toHaveLength(3);
  for (const { xml } of first.messages) {
    const message = jsonFromThirdParty(thirdPartyXml.parse(xml).Envelope.Document.FIToFICstmrCdtTrf.CdtTrfTxInf);
    expect(message).toEqual(withoutCreditorName(expected.get(message.endToEndId) as { recebedor: object }));
  }
  const { rows } = await server.db.query<{ xml: string | null }>('SELECT xml FROM messages WHERE receiver_ispb = $1', [ispb]);
  expect(rows.map((row) => row.xml).sort()).toEqual(first.messages.map((m) => m.xml).sort());
  // Released by stop, delivered again: the same documents and PI-ResourceIds.
  await fetch(`${server.url}/api/pix/${ispb}/stream/stop`, { method: 'DELETE' });
  const again = await icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
  expect(again.messages.map((m) => [m.resourceId, m.xml]).sort()).toEqual(first.messages.map((m) => [m.resourceId, m.xml]).sort());
  await icomRequest(server.url, again.pullNext!, {}, 'DELETE');
});
