/**
 * The SPI between two participants, rule by rule (docs/spi.md): a payment is
 * handed on, the receiver's ACSP settles it on both reserve accounts in one
 * transaction and both are told (ACSC, ACCC); an RJCT, a short balance (AM04)
 * and no answer in time (AB03) move nothing; a second payment under a used
 * EndToEndId is DUPL; answers the SPI cannot take are admi.002s. Every XML is
 * read with @xmldom/xmldom (support/spi-dom.ts); balances and the ledger are
 * read from the database.
 */
import { randomIspb } from '../support/factories';
import { creditTransfer } from '../support/icom-post';
import { Bank } from '../support/spi-bank';
import { SPI_ISPB } from '../support/spi-dom';
import { timeOut } from '../support/spi-deadlines';
import { ownDatabase, type OwnDatabase } from '../support/own-database';
import { startTestServer, type TestServer } from '../support/server';

let own: OwnDatabase;
let server: TestServer;
beforeAll(async () => {
  // A database of its own: on the suite's shared one, another process's deadline
  // job (JOBS=on) may time a payment out before the test's own step does.
  own = await ownDatabase('spi-settlement');
  server = await startTestServer({ DATABASE_URL: own.url, LONG_POLL_TIMEOUT_MS: '300', SPI_SETTLEMENT_TIMEOUT_S: '3' });
});
afterAll(async () => {
  await server?.stop();
  await own?.release();
});

const pair = () => [new Bank(server.url, randomIspb()), new Bank(server.url, randomIspb())] as const;

async function balance(ispb: string): Promise<string | null> {
  const res = await fetch(`${server.url}/api/util/accounts/${ispb}`);
  return res.status === 404 ? null : ((await res.json()) as { balance: string }).balance;
}

type Entry = { movement: number; ispb: string; kind: string; amount: number };
async function ledger(ispbs: string[]): Promise<Entry[]> {
  const { rows } = await server.db.query<Entry>(
    `SELECT movement_id::int AS movement, ispb, kind, amount_cents::int AS amount FROM ledger_entries WHERE ispb = ANY ($1::text[]) ORDER BY id`,
    [ispbs],
  );
  return rows;
}


describe('a payment answered ACSP', () => {
  it('settles: the payer is debited and the receiver credited in one movement, ACSC to the payer and ACCC to the receiver', async () => {
    const [a, b] = pair();
    expect(await balance(a.ispb)).toBeNull();
    const transfer = await a.pay(b.ispb, 150.75);
    expect(await balance(a.ispb)).toBe('1000000.00'); // opened when first seen, at SPI_OPENING_BALANCE
    const [delivered] = await b.inbox();
    expect(delivered).toMatchObject({ kind: 'pacs.008' });
    expect(delivered!.view.header).toMatchObject({ from: SPI_ISPB, to: b.ispb });
    await b.answer(transfer.endToEndId, 'ACSP');

    const [atA] = await a.inbox();
    const [atB] = await b.inbox();
    expect(atA).toMatchObject({ kind: 'pacs.002', status: 'ACSC', endToEndId: transfer.endToEndId, instruction: transfer.endToEndId });
    expect(atB).toMatchObject({ kind: 'pacs.002', status: 'ACCC', endToEndId: transfer.endToEndId });
    expect(atA!.view.header).toMatchObject({ from: SPI_ISPB, to: a.ispb });
    expect(atA!.settledAt).toBe(atB!.settledAt);
    expect(Date.parse(atA!.settledAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['999849.25', '1000150.75']);
    const entries = await ledger([a.ispb, b.ispb]);
    const moves = entries.filter((e) => e.kind === 'transfer');
    expect(moves.map((e) => [e.ispb, e.amount])).toEqual([[a.ispb, -15075], [b.ispb, 15075]]);
    expect(moves[0]!.movement).toBe(moves[1]!.movement);
  });

  it('a repost of the same ACSP is the same message: 201, the same PI-ResourceId, nothing settled twice', async () => {
    const [a, b] = pair();
    const transfer = await a.pay(b.ispb, 10);
    await b.inbox();
    const answer = b.answerXml(transfer.endToEndId, 'ACSP');
    const first = await b.send([answer]);
    const again = await b.send([answer]);
    expect(again).toEqual(first);
    expect(await balance(b.ispb)).toBe('1000010.00');
    expect((await a.inbox()).map((m) => m.status)).toEqual(['ACSC']);
    expect((await b.inbox()).map((m) => m.status)).toEqual(['ACCC']);
  });
});

describe('what moves nothing', () => {
  it('RJCT with a reason: the payer gets RJCT with that reason, the balances stay', async () => {
    const [a, b] = pair();
    const transfer = await a.pay(b.ispb, 99);
    await b.inbox();
    await b.answer(transfer.endToEndId, 'RJCT', 'AC03');
    expect(await a.inbox()).toMatchObject([{ kind: 'pacs.002', status: 'RJCT', reason: 'AC03', endToEndId: transfer.endToEndId }]);
    expect(await b.inbox()).toEqual([]);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['1000000.00', '1000000.00']);
    expect((await ledger([a.ispb, b.ispb])).filter((e) => e.kind === 'transfer')).toEqual([]);
  });

  it('the payer short of funds at settlement: RJCT AM04 to both, nothing moves, no balance below zero', async () => {
    const [a, b] = pair();
    const put = await fetch(`${server.url}/api/util/accounts/${a.ispb}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ balance: '50.00' }) });
    expect(put.status).toBe(200);
    const transfer = await a.pay(b.ispb, 50.01);
    await b.inbox();
    await b.answer(transfer.endToEndId, 'ACSP');
    expect(await a.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AM04' }]);
    expect(await b.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AM04' }]);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['50.00', '1000000.00']);
  });

  it('no answer within SPI_SETTLEMENT_TIMEOUT_S: RJCT AB03 to both; a late answer then moves nothing and gets an admi.002', async () => {
    const [a, b] = pair();
    const transfer = await a.pay(b.ispb, 20);
    await b.inbox();
    await new Promise((resolve) => setTimeout(resolve, 3200));
    await timeOut(server.db, [transfer.endToEndId]);
    expect(await a.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AB03', endToEndId: transfer.endToEndId }]);
    expect(await b.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AB03', endToEndId: transfer.endToEndId }]);
    const lateAnswer = b.answerXml(transfer.endToEndId, 'ACSP');
    const [answered] = await b.send([lateAnswer]);
    const [late] = await b.inbox();
    expect(late!.kind).toBe('admi.002');
    expect(late!.xml).toMatch(/rejected with AB03/);
    expect([await balance(a.ispb), await balance(b.ispb)]).toEqual(['1000000.00', '1000000.00']);
    // The same late answer posted again, and twice at once: the same PI-ResourceId, no second admi.002.
    expect(await b.send([lateAnswer])).toEqual([answered]);
    expect(await Promise.all([b.send([lateAnswer]), b.send([lateAnswer])])).toEqual([[answered], [answered]]);
    expect(await b.inbox()).toEqual([]);
  });

  it('an answer past the deadline before the job ran times the payment out itself: AB03 to both', async () => {
    const [a, b] = pair();
    const transfer = await a.pay(b.ispb, 20);
    await b.inbox();
    await new Promise((resolve) => setTimeout(resolve, 3200));
    await b.answer(transfer.endToEndId, 'ACSP');
    expect(await a.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AB03' }]);
    expect(await b.inbox()).toMatchObject([{ status: 'RJCT', reason: 'AB03' }]);
    expect(await balance(b.ispb)).toBe('1000000.00');
  });
});

describe('what the SPI refuses', () => {
  it('another payment under a used EndToEndId: RJCT DUPL to its payer, the first one goes on', async () => {
    const [a, b] = pair();
    const first = await a.pay(b.ispb, 30);
    const copy = creditTransfer(a.ispb, b.ispb, 31);
    await a.send([copy.xml.replace(copy.endToEndId, first.endToEndId)]);
    expect(await a.inbox()).toMatchObject([{ status: 'RJCT', reason: 'DUPL', endToEndId: first.endToEndId }]);
    expect((await b.inbox()).map((m) => m.kind)).toEqual(['pacs.008']);
  });

  it.each([
    ['an answer from a participant other than the receiver', 'is not the credited participant'],
    ['an answer to a payment the SPI does not hold', 'is held by the SPI'],
    ['a second answer to a settled payment', 'already settled'],
  ])('%s: an admi.002, nothing moves', async (label, detail) => {
    const [a, b] = pair();
    const stranger = new Bank(server.url, randomIspb());
    const transfer = await a.pay(b.ispb, 5);
    await b.inbox();
    if (label.startsWith('an answer from')) await stranger.answer(transfer.endToEndId, 'ACSP');
    else if (label.startsWith('an answer to')) await stranger.answer(`E${stranger.ispb}202612070000abcdefghijk`, 'ACSP');
    else {
      await b.answer(transfer.endToEndId, 'ACSP');
      await b.inbox();
      await b.answer(transfer.endToEndId, 'RJCT', 'AC03');
    }
    const answerer = label.startsWith('a second') ? b : stranger;
    const [admi] = await answerer.inbox();
    expect(admi).toMatchObject({ kind: 'admi.002' });
    expect(admi!.xml).toContain(detail);
    expect(await balance(a.ispb)).toBe(label.startsWith('a second') ? '999995.00' : '1000000.00');
  });
});

describe('reserve accounts over HTTP', () => {
  it('PUT sets a balance (an adjustment in the ledger), GET reads it; a bad body is a 400 that writes nothing', async () => {
    const ispb = randomIspb();
    const url = `${server.url}/api/util/accounts/${ispb}`;
    expect((await fetch(url)).status).toBe(404);
    const bad = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ balance: 12.5 }) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(url)).status).toBe(404);
    const set = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ balance: '123.45' }) });
    expect(await set.json()).toMatchObject({ ispb, balance: '123.45' });
    expect(await ledger([ispb])).toMatchObject([{ kind: 'opening', amount: 100_000_000 }, { kind: 'adjustment', amount: 12345 - 100_000_000 }]);
    const entries = await (await fetch(`${url}/entries`)).json();
    expect(entries).toMatchObject({ ispb, entries: [{ kind: 'opening', amount: '1000000.00' }, { kind: 'adjustment', amount: '-999876.55', balanceAfter: '123.45' }], truncated: false });
  });
});

describe('answers in batches, concurrently', () => {
  it('receivers answering 10 payers at a time, all at once, in crossing orders: every post 201, every payment settled once, money kept', async () => {
    const banks = Array.from({ length: 8 }, () => new Bank(server.url, randomIspb()));
    const ispbs = banks.map((b) => b.ispb);
    const toAnswer = new Map<string, string[]>(ispbs.map((ispb) => [ispb, []]));
    // Every bank pays every other three times, in posts of its own.
    await Promise.all(
      banks.map(async (payer) => {
        const transfers = banks.filter((b) => b !== payer).flatMap((receiver) => [1, 2, 3].map(() => ({ receiver, t: creditTransfer(payer.ispb, receiver.ispb, 1) })));
        for (let i = 0; i < transfers.length; i += 10) await payer.send(transfers.slice(i, i + 10).map((x) => x.t.xml));
        for (const { receiver, t } of transfers) toAnswer.get(receiver.ispb)!.push(t.endToEndId);
      }),
    );
    // Each receiver answers in batches of 10 of mixed payers, shuffled, all receivers at the same time.
    const rounds = await Promise.all(
      banks.map(async (receiver) => {
        const ids = toAnswer.get(receiver.ispb)!.sort(() => Math.random() - 0.5);
        const posts: Promise<string[]>[] = [];
        for (let i = 0; i < ids.length; i += 10) posts.push(receiver.send(ids.slice(i, i + 10).map((id) => receiver.answerXml(id, 'ACSP'))));
        return (await Promise.all(posts)).length;
      }),
    );
    expect(rounds.every((n) => n === 3)).toBe(true); // 21 answers each: posts of 10, 10 and 1, every one 201 (send throws otherwise)
    const { rows } = await server.db.query<{ settled: number; total: string }>(
      `SELECT (SELECT count(*)::int FROM settlements WHERE debtor_ispb = ANY ($1::text[]) AND state = 'settled') AS settled,
              (SELECT sum(balance_cents)::text FROM accounts WHERE ispb = ANY ($1::text[])) AS total`,
      [ispbs],
    );
    expect(rows[0]).toEqual({ settled: 8 * 7 * 3, total: String(8 * 100_000_000) });
    expect((await ledger(ispbs)).filter((e) => e.kind === 'transfer')).toHaveLength(2 * 8 * 7 * 3);
  });
});
