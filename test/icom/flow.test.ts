/**
 * Two participants rehearse the PIX flow through pix-stream, across two API
 * processes: A posts 1,000 credit transfers to B; B's 6 ICOM collectors get
 * each once and answer each with a pacs.002; the SPI settles the accepted
 * ones; A's 6 collectors get every report once (ACSC or RJCT), and B every
 * confirmation (ACCC) once. And a sender's retry of one message, posted 20 times at once to
 * both processes, is stored once and answered with one PI-ResourceId.
 */
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { randomIspb } from '../support/factories';
import { icomDrain, type IcomMessage } from '../support/icom-client';
import { creditTransfer, post, statusReport } from '../support/icom-post';
import { thirdPartyXml } from '../support/pacs008-third-party';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let other: ApiProcess;
beforeAll(async () => {
  // Reserve accounts large enough that no payment of the run is short of funds (AM04 is test/spi/'s).
  const env = { LONG_POLL_TIMEOUT_MS: '500', SPI_OPENING_BALANCE: '100000000.00' };
  [server, other] = await Promise.all([startTestServer(env), startApiProcess(env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([server.stop(), other.stop()]);
});

/** Runs `work` over the items with at most `limit` in flight: senders, as banks run them, keep a bounded number of posts open. */
async function inFlight<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  }));
  return results;
}

const chunks = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
const endToEndOf = (xml: string, path: string[]): string => path.reduce((node, name) => node[name], thirdPartyXml.parse(xml).Envelope.Document);

it('the same BizMsgIdr posted 20 times at once to two API processes: one message stored, 20 answers with one PI-ResourceId', async () => {
  const [payer, receiver] = [randomIspb(), randomIspb()];
  const transfer = creditTransfer(payer, receiver);
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? other.url : server.url, payer, [transfer.xml])));
  expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(201));
  expect(new Set(replies.map((reply) => reply.resourceIds[0])).size).toBe(1);
  const { rows } = await server.db.query('SELECT count(*)::int AS n FROM messages WHERE biz_msg_idr = $1', [transfer.bizMsgIdr]);
  expect(rows[0].n).toBe(1);
});

// Collectors stop after 10 empty long polls in a row (5 s of quiet): on a busy machine the first posts of a phase
// may take a few seconds to arrive, and a collector that left early would miss them.
it('1,000 transfers A → B and their reports B → A: each delivered exactly once, with 6 collectors on each side', async () => {
  const [a, b] = [randomIspb(), randomIspb()];
  const transfers = Array.from({ length: 1000 }, () => creditTransfer(a, b));
  // Collectors wait on both processes while the transfers are posted to both.
  const bCollectors = Array.from({ length: 6 }, (_, i) => icomDrain(i % 2 ? other.url : server.url, b, { multipart: true, gzip: true, emptyPolls: 10 }));
  const posted = await inFlight(chunks(transfers, 10), 8, (batch, i) => post(i % 2 ? other.url : server.url, a, batch.map((t) => t.xml)));
  expect(posted.every((reply) => reply.status === 201)).toBe(true);
  const atB = (await Promise.all(bCollectors)).flat();
  const delivered = atB.map((m: IcomMessage) => endToEndOf(m.xml, ['FIToFICstmrCdtTrf', 'CdtTrfTxInf', 'PmtId', 'EndToEndId']));
  expect(delivered).toHaveLength(1000);
  expect(new Set(delivered)).toEqual(new Set(transfers.map((t) => t.endToEndId)));

  const reports = delivered.map((endToEndId, i) => statusReport(b, endToEndId, i % 10 === 0 ? 'RJCT' : 'ACSP', i % 10 === 0 ? 'AM04' : null));
  const answered = await inFlight(chunks(reports, 10), 8, (batch, i) => post(i % 2 ? server.url : other.url, b, batch.map((r) => r.xml)));
  expect(answered.every((reply) => reply.status === 201)).toBe(true);
  // A's collectors come once the reports are in (a busy machine can stall a posting phase longer than any quiet
  // period a collector waits out); B's phase above has its collectors waiting while the transfers arrive.
  const aCollectors = Array.from({ length: 6 }, (_, i) => icomDrain(i % 2 ? other.url : server.url, a, { multipart: true, emptyPolls: 10 }));
  const atA = (await Promise.all(aCollectors)).flat();
  const reported = atA.map((m) => endToEndOf(m.xml, ['FIToFIPmtStsRpt', 'TxInfAndSts', 'OrgnlEndToEndId']));
  expect(reported).toHaveLength(1000);
  expect(new Set(reported)).toEqual(new Set(delivered));
  const statusAtA = atA.map((m) => endToEndOf(m.xml, ['FIToFIPmtStsRpt', 'TxInfAndSts', 'TxSts']));
  expect(statusAtA.filter((s) => s === 'ACSC')).toHaveLength(900);
  expect(statusAtA.filter((s) => s === 'RJCT')).toHaveLength(100);
  const confirmations = (await Promise.all(Array.from({ length: 6 }, (_, i) => icomDrain(i % 2 ? other.url : server.url, b, { multipart: true, emptyPolls: 10 })))).flat();
  const confirmed = confirmations.map((m) => endToEndOf(m.xml, ['FIToFIPmtStsRpt', 'TxInfAndSts', 'OrgnlEndToEndId']));
  expect(confirmed).toHaveLength(900);
  expect(new Set(confirmations.map((m) => endToEndOf(m.xml, ['FIToFIPmtStsRpt', 'TxInfAndSts', 'TxSts'])))).toEqual(new Set(['ACCC']));
  expect(new Set(confirmed)).toEqual(new Set(delivered.filter((_, i) => i % 10 !== 0)));
  const { rows } = await server.db.query(
    `SELECT state, count(*)::int AS n FROM message_delivery WHERE receiver_ispb = ANY ($1::text[]) GROUP BY state`,
    [[a, b]],
  );
  expect(rows).toEqual([{ state: 'acknowledged', n: 2900 }]);
}, 180_000);
