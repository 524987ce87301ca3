/**
 * Virtual participants through HTTP (docs/virtual-participants.md): a profile
 * is set, read and ended; a virtual receiver answers a bank's pacs.008 by its
 * profile (ACSP after its delay, RJCT with its code, nothing → AB03, a second
 * answer, a return after settlement), through the SPI like a real receiver;
 * a virtual payer pays a bank at a rate, each payment once; the Central Bank's
 * two are there from the start. Every XML is read by @xmldom/xmldom, every
 * JSON answer checked against the OpenAPI document.
 */
import { randomIspb } from '../support/factories';
import { documentedFetch } from '../support/openapi';
import { Bank, type Seen } from '../support/spi-bank';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ JOBS: 'on', LONG_POLL_TIMEOUT_MS: '300', SPI_SETTLEMENT_TIMEOUT_S: '3', SPI_DEADLINE_CHECK_INTERVAL_S: '1' });
});
afterAll(() => server.stop());

const api = (method: string, path: string, body?: unknown) => documentedFetch(server.url, method, path, body);
const put = (ispb: string, profile: unknown) => api('PUT', `/api/util/virtual/${ispb}`, profile);

async function balance(ispb: string): Promise<string> {
  return ((await api('GET', `/api/util/accounts/${ispb}`)).body as { balance: string }).balance;
}

/** A fresh virtual participant with `profile`, and a real bank. */
async function pairWith(profile: unknown): Promise<{ bank: Bank; virtual: string }> {
  const virtual = randomIspb();
  expect((await put(virtual, profile)).status).toBe(201);
  await new Promise((resolve) => setTimeout(resolve, 2100)); // workers read profiles every 2 s
  return { bank: new Bank(server.url, randomIspb()), virtual };
}

const reports = (seen: Seen[]) => seen.filter((s) => s.kind === 'pacs.002');

describe('profiles', () => {
  it('PUT makes a participant virtual (201, then 200), GET reads it with its defaults, DELETE ends it (204, then 404)', async () => {
    const ispb = randomIspb();
    const created = await put(ispb, { answer: 'RJCT', reason: 'AM18', delay: { p50Ms: 300, p95Ms: 900 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ispb, profile: { answer: 'RJCT', reason: 'AM18', delay: { p50Ms: 300, p95Ms: 900 }, silentShare: 0 } });
    expect((await put(ispb, { answer: 'ACSP' })).status).toBe(200);
    const read = await api('GET', `/api/util/virtual/${ispb}`);
    expect(read.body).toMatchObject({ profile: { answer: 'ACSP', delayMs: 0, rejectShares: [], returnReason: 'MD06' } });
    expect((await api('DELETE', `/api/util/virtual/${ispb}`)).status).toBe(204);
    expect((await api('GET', `/api/util/virtual/${ispb}`)).status).toBe(404);
    expect((await api('DELETE', `/api/util/virtual/${ispb}`)).status).toBe(404);
  });

  it('has the Central Bank’s two from the start: 99999A04 answers ACSP, 99999A03 pays', async () => {
    for (const ispb of ['99999A04', '99999A03']) {
      const res = await api('GET', `/api/util/virtual/${ispb}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ispb, profile: { answer: 'ACSP' } });
    }
  });

  it.each([
    [{ answer: 'maybe' }, /answer must be ACSP, RJCT or none/],
    [{ answer: 'RJCT', reason: 'XX99' }, /reason must be one of/],
    [{ delayMs: -1 }, /delayMs must be a whole number/],
    [{ delay: { p50Ms: 500, p95Ms: 100 } }, /p95Ms ≥ p50Ms/],
    [{ silentShare: 0.6, rejectShares: [{ reason: 'AC03', share: 0.5 }] }, /sum to more than 1/],
    [{ duplicateShare: 2 }, /duplicateShare must be a number from 0 to 1/],
    [{ answr: 'ACSP' }, /unknown field "answr"/],
    [[1, 2], /must be a JSON object/],
  ])('refuses the profile %j with a 400 problem, and writes nothing', async (profile, detail) => {
    const ispb = randomIspb();
    const res = await put(ispb, profile);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((res.body as { detail: string }).detail).toMatch(detail);
    expect((await api('GET', `/api/util/virtual/${ispb}`)).status).toBe(404);
  });
});

describe('a virtual receiver', () => {
  it('answers ACSP after its delay: the payer gets ACSC and the money moves', async () => {
    const { bank, virtual } = await pairWith({ answer: 'ACSP', delayMs: 300 });
    const paidAt = Date.now();
    const transfer = await bank.pay(virtual, 42.5);
    const [report] = reports(await bank.inboxUntil((seen) => reports(seen).length >= 1));
    expect(report).toMatchObject({ status: 'ACSC', endToEndId: transfer.endToEndId });
    expect(Date.now() - paidAt).toBeGreaterThanOrEqual(300);
    expect([await balance(bank.ispb), await balance(virtual)]).toEqual(['999957.50', '1000042.50']);
  });

  it('answers RJCT with its code; with answer none the SPI times it out (AB03)', async () => {
    const rejecting = await pairWith({ answer: 'RJCT', reason: 'AC06' });
    const refused = await rejecting.bank.pay(rejecting.virtual, 10);
    expect(reports(await rejecting.bank.inboxUntil((s) => reports(s).length >= 1))).toEqual([expect.objectContaining({ status: 'RJCT', reason: 'AC06', endToEndId: refused.endToEndId })]);

    const silent = await pairWith({ answer: 'none' });
    const unanswered = await silent.bank.pay(silent.virtual, 10);
    const seen = reports(await silent.bank.inboxUntil((s) => reports(s).length >= 1, 10_000));
    expect(seen).toEqual([expect.objectContaining({ status: 'RJCT', reason: 'AB03', endToEndId: unanswered.endToEndId })]);
    expect(await balance(silent.bank.ispb)).toBe('1000000.00');
  }, 30_000);

  it('by shares: rejects with each code, answers twice (the SPI refuses the second), returns settled payments', async () => {
    const { bank, virtual } = await pairWith({ rejectShares: [{ reason: 'AM18', share: 0.3 }], duplicateShare: 0.5, returnShare: 0.5, returnAfterMs: 200 });
    const paid = [];
    for (let i = 0; i < 20; i++) paid.push(await bank.pay(virtual, 1));
    // The bank takes each return back as it comes, as a receiver does: its ACSP settles it, within
    // the SPI's 3 s. It drains until every payment and every answered return has its report, and
    // 1.5 s more after the last payment's (the returns are due 200 ms after their payment's answer).
    const seen: Seen[] = [];
    const answered = new Set<string>();
    const reportOf = (instruction: string) => reports(seen).find((r) => r.instruction === instruction);
    let lastReportAt = Infinity;
    for (const giveUpAt = Date.now() + 30_000; Date.now() < giveUpAt; ) {
      const arrived = await bank.inbox();
      seen.push(...arrived);
      for (const r of arrived.filter((m) => m.kind === 'pacs.004')) {
        answered.add(r.instruction!);
        await bank.answer(r.endToEndId!, 'ACSP', null, r.instruction);
      }
      if (lastReportAt === Infinity && paid.every((p) => reportOf(p.endToEndId))) lastReportAt = Date.now();
      if (Date.now() > lastReportAt + 1500 && [...answered].every((id) => reportOf(id))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const payments = reports(seen).filter((r) => r.instruction === r.endToEndId);
    const outcome = new Map(payments.map((r) => [r.endToEndId, r.status === 'RJCT' ? r.reason : r.status]));
    expect([...outcome.keys()].sort()).toEqual(paid.map((p) => p.endToEndId).sort()); // one report per payment
    const rejected = [...outcome.values()].filter((o) => o === 'AM18').length;
    expect(rejected).toBeGreaterThan(0);
    expect(rejected).toBeLessThan(20);
    const returns = seen.filter((m) => m.kind === 'pacs.004');
    expect(returns.length).toBeGreaterThan(0);
    // Each return is of a payment that settled, and the bank's balance says so: −settled + the returns that settled (ACCC).
    const settledCount = [...outcome.values()].filter((o) => o === 'ACSC').length;
    expect(returns.length).toBeLessThanOrEqual(settledCount);
    const returnsSettled = [...answered].filter((id) => reportOf(id)?.status === 'ACCC').length;
    expect(returnsSettled).toBeGreaterThan(0);
    expect(await balance(bank.ispb)).toBe((1_000_000 - settledCount + returnsSettled).toFixed(2));
    // The second answers went to the SPI, which refused them on the virtual participant's stream: nothing moved twice.
    const { rows } = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entries WHERE ispb = $1 AND kind = 'transfer'`, [virtual]);
    expect(rows[0]!.n).toBe(settledCount);
  }, 40_000);
});

describe('a virtual payer', () => {
  it('pays a bank count payments at the rate, each once: 202 with a run to follow, completed at the count', async () => {
    const payer = randomIspb();
    expect((await put(payer, { answer: 'ACSP' })).status).toBe(201);
    const bank = new Bank(server.url, randomIspb());
    const started = Date.now();
    const res = await api('POST', `/api/util/virtual/${payer}/payments`, { to: bank.ispb, count: 30, perSecond: 20, amount: '2.00' });
    expect(res.status).toBe(202);
    const run = res.body as { id: string; count: number; state: string };
    expect(res.headers.get('location')).toBe(`/api/util/virtual/${payer}/payments/${run.id}`);
    expect(run).toMatchObject({ count: 30, state: 'running' });

    const transfers: Seen[] = [];
    await bank.inboxUntil((seen) => {
      for (const m of seen.splice(0)) if (m.kind === 'pacs.008') transfers.push(m);
      return transfers.length >= 30;
    });
    const tookMs = Date.now() - started;
    for (const t of transfers) await bank.answer(t.endToEndId!, 'ACSP');
    expect(new Set(transfers.map((t) => t.endToEndId)).size).toBe(30);
    expect(transfers.every((t) => t.view.header.from === '00038166' && t.view.header.to === bank.ispb)).toBe(true);
    // 30 at 20/s: the last one is due 1.45 s after the start.
    expect(tookMs).toBeGreaterThanOrEqual(1400);
    const after = (await api('GET', res.headers.get('location')!)).body;
    expect(after).toMatchObject({ sent: 30, state: 'completed' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await balance(bank.ispb)).toBe('1000060.00');
    expect((await bank.inbox()).map((m) => m.kind).filter((kind) => kind === 'pacs.008')).toEqual([]); // no payment came twice
  }, 30_000);

  it.each([
    [{ to: 'x', count: 1, perSecond: 1 }, /to must be an ISPB/],
    [{ to: '12345678', count: 0, perSecond: 1 }, /count must be a whole number/],
    [{ to: '12345678', count: 1, perSecond: 0 }, /perSecond must be a number/],
    [{ to: '12345678', count: 1, perSecond: 1, amount: 5 }, /amount must be reais/],
    [{ to: '12345678', count: 1, perSecond: 1, localInstrument: 'DICT' }, /localInstrument must be MANU or QRDN/],
  ])('refuses %j with a 400 problem', async (body, detail) => {
    const res = await api('POST', '/api/util/virtual/99999A03/payments', body);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(detail);
  });

  it('is a 404 for a participant that is not virtual', async () => {
    const res = await api('POST', `/api/util/virtual/${randomIspb()}/payments`, { to: '12345678', count: 1, perSecond: 1 });
    expect(res.status).toBe(404);
  });
});
