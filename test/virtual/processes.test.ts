/**
 * Virtual participants on several API processes (JOBS=on on each, a database
 * of the file's own): a virtual payer pays a bank while a bank pays a virtual
 * receiver that answers some payments twice; one process is killed (SIGKILL)
 * midway and another started. Afterwards every payment of the run was made
 * once, every payment to the virtual receiver settled once and was reported
 * once, and the ledger agrees.
 */
import { randomIspb } from '../support/factories';
import { Fleet } from '../support/process-fleet';
import { Bank, type Seen } from '../support/spi-bank';

const RUN = 200;
const TO_VIRTUAL = 100;

const fleet = new Fleet('virtual-processes', { SPI_SETTLEMENT_TIMEOUT_S: '30' });
beforeAll(() => fleet.start(3), 60_000);
afterAll(() => fleet.stop());
const url = (i: number) => fleet.processes[i]!.url;

const json = (url: string, method: string, body: unknown) => fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('pays and answers once each across processes, through a kill -9 and a restart', async () => {
  const [payer, receiver, bank] = [randomIspb(), randomIspb(), randomIspb()];
  expect((await json(`${url(0)}/api/util/virtual/${payer}`, 'PUT', { answer: 'ACSP' })).status).toBe(201);
  expect((await json(`${url(1)}/api/util/virtual/${receiver}`, 'PUT', { delay: { p50Ms: 50, p95Ms: 300 }, duplicateShare: 0.3 })).status).toBe(201);
  await sleep(2100); // every worker has read the profiles
  const run = await json(`${url(2)}/api/util/virtual/${payer}/payments`, 'POST', { to: bank, count: RUN, perSecond: 40, amount: '1.00' });
  expect(run.status).toBe(202);
  const location = run.headers.get('location')!;

  // The bank, on the two processes that stay: pays the virtual receiver, takes and accepts the virtual payer's payments.
  const banks = [new Bank(url(0), bank), new Bank(url(1), bank)];
  const paid: string[] = [];
  const paying = (async () => {
    for (let i = 0; i < TO_VIRTUAL; i++) {
      paid.push((await banks[i % 2]!.pay(receiver, 2)).endToEndId);
      if (i === TO_VIRTUAL / 2) await fleet.killAndReplace(2);
      await sleep(20);
    }
  })();
  const received = new Map<string, Seen>();
  const reports = new Map<string, Seen[]>();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && (received.size < RUN || [...reports.keys()].length < TO_VIRTUAL)) {
    for (const m of await banks[received.size % 2]!.inbox()) {
      if (m.kind === 'pacs.008') {
        if (!received.has(m.endToEndId!)) await banks[0]!.answer(m.endToEndId!, 'ACSP');
        received.set(m.endToEndId!, m);
      } else if (m.kind === 'pacs.002' && paid.includes(m.endToEndId!) && m.status !== 'ACCC') {
        reports.set(m.endToEndId!, [...(reports.get(m.endToEndId!) ?? []), m]);
      }
    }
    await sleep(100);
  }
  await paying;
  await sleep(1000);
  for (const m of await banks[0]!.inbox()) if (m.kind === 'pacs.002' && m.status !== 'ACCC') reports.set(m.endToEndId!, [...(reports.get(m.endToEndId!) ?? []), m]);

  // The run: every payment made once, and the run says so.
  expect(received.size).toBe(RUN);
  const { rows: made } = await fleet.db.query<{ n: number; distinct: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT instruction_id)::int AS distinct FROM settlements WHERE debtor_ispb = $1 AND kind = 'pacs.008'`,
    [payer],
  );
  expect(made[0]).toEqual({ n: RUN, distinct: RUN });
  // …and nothing refused as a second payment under a used EndToEndId, nor handed to the bank twice.
  const { rows: toBank } = await fleet.db.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM messages WHERE receiver_ispb = $1 GROUP BY kind`, [bank]);
  expect(toBank.find((r) => r.kind === 'pacs.008')?.n).toBe(RUN);
  const { rows: refusals } = await fleet.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE receiver_ispb = $1 AND kind = 'admi.002'`, [payer]);
  expect(refusals[0]!.n).toBe(0);
  expect(await (await fetch(`${url(0)}${location}`)).json()).toMatchObject({ sent: RUN, state: 'completed' });

  // The virtual receiver: one report per payment, every one ACSC, one credit each (the second answers moved nothing).
  expect(reports.size).toBe(TO_VIRTUAL);
  for (const e2e of paid) expect(reports.get(e2e)!.map((r) => r.status)).toEqual(['ACSC']);
  const { rows: credits } = await fleet.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entries WHERE ispb = $1 AND kind = 'transfer' AND amount_cents > 0`, [receiver]);
  expect(credits[0]!.n).toBe(TO_VIRTUAL);
  // Money: the bank paid 100 × 2.00 and was paid 200 × 1.00.
  const balance = async (ispb: string) => ((await (await fetch(`${url(0)}/api/util/accounts/${ispb}`)).json()) as { balance: string }).balance;
  expect([await balance(bank), await balance(receiver), await balance(payer)]).toEqual(['1000000.00', '1000200.00', '999800.00']);
}, 150_000);
