/**
 * The SPI on several API processes (JOBS=on on each, one database of the
 * file's own so the deadline job runs every second): five participants pay
 * each other through three processes, every acceptance is posted twice at once
 * to two of them, some payments go unanswered (AB03 from the job, which every
 * process schedules), and a short opening balance makes some AM04. Then once
 * more with one process killed (SIGKILL) mid-storm. Each time: one outcome per
 * payment, told once to each side, balances exactly what the outcomes make
 * them, money neither made nor lost, every settled payment two ledger entries.
 */
import { randomIspb } from '../support/factories';
import { Fleet } from '../support/process-fleet';
import { Storm, type Plan } from '../support/spi-storm';

const OPENING_CENTS = 150_000;
const PER_PAYER = 40;

const fleet = new Fleet('spi-processes', { SPI_OPENING_BALANCE: '1500.00', SPI_SETTLEMENT_TIMEOUT_S: '6' });
beforeAll(() => fleet.start(3), 60_000);
afterAll(() => fleet.stop());

const plan = (): Plan => {
  const r = Math.random();
  return r < 0.7 ? 'accept' : r < 0.85 ? 'reject' : 'silent';
};

async function run(storm: Storm, midway?: () => void): Promise<void> {
  let paying = storm.participants.length;
  const payers = storm.participants.map(async (p) => {
    await storm.pay(p, PER_PAYER, plan);
    paying--;
  });
  const killer = (async () => {
    while (midway && storm.sent.size < PER_PAYER * 2) await new Promise((resolve) => setTimeout(resolve, 20));
    midway?.();
  })();
  const deadline = Date.now() + 120_000;
  const done = () => (paying === 0 && storm.decided()) || Date.now() > deadline;
  await Promise.all([killer, ...payers, ...storm.participants.map((p) => storm.receive(p, done))]);
  // Undecided ones with their settlement rows: whether the SPI decided and did not tell, or never decided.
  const undecided = storm.undecided().map((s) => s.endToEndId);
  const { rows } = await fleet.db.query(`SELECT instruction_id, state FROM settlements WHERE instruction_id = ANY ($1::text[])`, [undecided]);
  expect({ undecided: undecided.length, of: storm.sent.size, rows }).toEqual({ undecided: 0, of: storm.sent.size, rows: [] });
}

async function check(storm: Storm): Promise<void> {
  const outcomes = { settled: 0, AM04: 0, AB03: 0, rejected: 0 };
  for (const s of storm.sent.values()) {
    const atPayer = storm.reportsAt(s.payer, s.endToEndId);
    const atReceiver = storm.reportsAt(s.receiver, s.endToEndId);
    expect(atPayer).toHaveLength(1);
    const [outcome] = atPayer;
    if (outcome!.status === 'ACSC') {
      expect(s.plan).toBe('accept');
      expect(atReceiver.map((m) => m.status)).toEqual(['ACCC']);
      expect(atReceiver[0]!.settledAt).toBe(outcome!.settledAt);
      outcomes.settled++;
    } else if (outcome!.reason === 'AB03' || outcome!.reason === 'AM04') {
      expect(atReceiver.map((m) => [m.status, m.reason])).toEqual([['RJCT', outcome!.reason]]);
      outcomes[outcome!.reason]++;
    } else {
      expect([s.plan, outcome!.status, outcome!.reason, atReceiver]).toEqual(['reject', 'RJCT', 'AC03', []]);
      outcomes.rejected++;
    }
    if (s.plan === 'silent') expect(outcome!.reason).toBe('AB03');
  }
  // Both copies of an acceptance got the same PI-ResourceId: the second was the first, posted again.
  for (const [first, second] of storm.acceptances) expect(second).toEqual(first);
  // A late answer (after its payment timed out) is the only thing a participant is refused.
  for (const [ispb, seen] of storm.seen) {
    for (const m of seen.values()) {
      if (m.kind !== 'admi.002') continue;
      expect([ispb, m.xml]).toEqual([ispb, expect.stringMatching(/rejected with AB03/)]);
    }
  }
  expect(outcomes.settled).toBeGreaterThan(0);
  expect(outcomes.AB03).toBeGreaterThan(0);

  const expected = storm.expectedBalances(OPENING_CENTS);
  const { rows } = await fleet.db.query<{ ispb: string; cents: string }>(`SELECT ispb, balance_cents::text AS cents FROM accounts WHERE ispb = ANY ($1::text[])`, [storm.participants]);
  expect(new Map(rows.map((r) => [r.ispb, Number(r.cents)]))).toEqual(expected);
  expect(rows.reduce((sum, r) => sum + Number(r.cents), 0)).toBe(OPENING_CENTS * storm.participants.length);
  const { rows: ledger } = await fleet.db.query<{ entries: number; pending: number }>(
    `SELECT (SELECT count(*)::int FROM ledger_entries WHERE ispb = ANY ($1::text[]) AND kind = 'transfer') AS entries,
            (SELECT count(*)::int FROM settlements WHERE debtor_ispb = ANY ($1::text[]) AND state = 'pending') AS pending`,
    [storm.participants],
  );
  expect(ledger[0]).toEqual({ entries: 2 * outcomes.settled, pending: 0 });
}

it('three processes: each payment decided once, told once, balances exact', async () => {
  const storm = new Storm(fleet.processes, Array.from({ length: 5 }, () => randomIspb()));
  await run(storm);
  await check(storm);
  expect(storm.deliveredTwice).toBe(0);
}, 180_000);

it('one process killed mid-storm: the same, on the two left', async () => {
  const storm = new Storm(fleet.processes, Array.from({ length: 5 }, () => randomIspb()));
  const victim = fleet.processes[0]!;
  await run(storm, () => victim.child.kill('SIGKILL'));
  expect(await victim.exited).toBeNull();
  await check(storm);
}, 180_000);
