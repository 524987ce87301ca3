/**
 * The SPI's settlement (docs/spi.md): credit transfers settled a second when
 * receivers answer ACSP, 6 answering clients, 100 participants, judged
 * against the ceiling of the same SQL work run by pgbench in the same run.
 *
 *   accept   6 senders post TRANSFERS pacs.008 in multipart batches of 10,
 *            each batch from one of 100 participants to others (ICOM inbound:
 *            read, checked, accounts opened, instructions taken, forwarded)
 *   settle   6 clients post the receivers' pacs.002 ACSP for half of them,
 *            batches of 10 from one receiver each, without reading the
 *            streams first (the SPI does not ask that a receiver fetched the
 *            payment): each answer locks its instruction and the two
 *            accounts in ISPB order, books the debit and the credit with
 *            their ledger entries, decides it and stores both reports
 *   ceiling  pgbench, 6 clients, each transaction a call of a function
 *            (bench_settle, made for the run) that does that SQL for 10
 *            pending instructions of a set of their own (the accounts of
 *            all ten locked first in ISPB order, as the API does), statement
 *            for statement, in one round trip
 * Figures: settled a second by each; the database must then show every
 * answered instruction settled once, the ledger summing to zero over the
 * movements, and no balance below zero. The API runs with a deadline far
 * away (API_ENV): nothing times out while the step waits its turn.
 */
import pg from 'pg';
import { endToEndId } from '../src/generation/rules/ids.js';
import { randomParty } from '../src/generation/rules/parties.js';
import { renderMultipartMixed } from '../src/http/icom/multipart.js';
import { newBizMsgIdr } from '../src/iso20022/ids.js';
import { SPI_ISPB } from '../src/iso20022/message.js';
import { renderPacs002 } from '../src/iso20022/pacs002.js';
import { renderPacs008 } from '../src/iso20022/pacs008.js';
import { cpu } from './cpu-split.js';
import { postBody, postInTurn } from './inbound-rate.js';
import { findPgbench, pgbenchScript, run, runPgbench } from './raw-ceiling.js';
import { perSecond, progress, round, summarize, type LatencySummary } from './stats.js';

const PARTICIPANTS = 100;
const TRANSFERS = Number(process.env.BENCH_SETTLEMENT_TRANSFERS ?? 60_000);
const CLIENTS = 6;
const BATCH = 10;
const CEILING_S = 10;

export interface SettlementRateResult {
  participants: number;
  clients: number;
  accepted: { transfers: number; seconds: number; perSecond: number; latency: LatencySummary };
  settled: { transfers: number; seconds: number; perSecond: number; latency: LatencySummary };
  ceiling: { tool: string; clients: number; seconds: number; transactionsPerSecond: number; perSecond: number; leftPending: number };
  /** Database checks afterwards. */
  checks: { settledOnce: boolean; ledgerBalanced: boolean; noNegative: boolean };
  ok: boolean;
}

interface Transfer {
  payer: string;
  receiver: string;
  endToEndId: string;
}

type Part = { headers: Record<string, string>; body: string };
const part = (xml: string): Part => ({ headers: { 'Content-Type': 'application/xml; charset=utf-8' }, body: xml });

function transfersOf(firstIspb: number, count: number): { batches: { sender: string; parts: Part[] }[]; transfers: Transfer[] } {
  const ispbs = Array.from({ length: PARTICIPANTS }, (_, i) => String(firstIspb + i).padStart(8, '0'));
  const transfers: Transfer[] = [];
  const batches: { sender: string; parts: Part[] }[] = [];
  for (let b = 0; b < count / BATCH; b++) {
    const payer = ispbs[b % PARTICIPANTS]!;
    const parts: Part[] = [];
    for (let k = 0; k < BATCH; k++) {
      const receiver = ispbs[(b + 1 + ((b * 7 + k * 13) % (PARTICIPANTS - 1))) % PARTICIPANTS]!;
      const now = new Date();
      const id = endToEndId(payer, now);
      const message = { endToEndId: id, valor: 1 + (k % 9), pagador: randomParty(payer), recebedor: randomParty(receiver), campoLivre: '', txId: null, dataHoraPagamento: now.toISOString() };
      parts.push(part(renderPacs008(message, { bizMsgIdr: newBizMsgIdr(payer, now), from: payer, to: SPI_ISPB, createdAt: now })));
      transfers.push({ payer, receiver, endToEndId: id });
    }
    batches.push({ sender: payer, parts });
  }
  return { batches, transfers };
}

/** The receivers' ACSP for these transfers: batches of up to 10, each from one receiver, the receivers taking turns. */
function answersOf(transfers: Transfer[]): { sender: string; parts: Part[] }[] {
  const byReceiver = new Map<string, Transfer[]>();
  for (const t of transfers) {
    const list = byReceiver.get(t.receiver);
    if (list) list.push(t);
    else byReceiver.set(t.receiver, [t]);
  }
  const queues = [...byReceiver].map(([receiver, list]) => {
    const batches: { sender: string; parts: Part[] }[] = [];
    for (let i = 0; i < list.length; i += BATCH) {
      const parts = list.slice(i, i + BATCH).map((t) => {
        const now = new Date();
        return part(renderPacs002({ originalEndToEndId: t.endToEndId, status: 'ACSP', reason: null }, { bizMsgIdr: newBizMsgIdr(receiver, now), from: receiver, to: SPI_ISPB, createdAt: now }));
      });
      batches.push({ sender: receiver, parts });
    }
    return batches;
  });
  const interleaved: { sender: string; parts: Part[] }[] = [];
  for (let round = 0; interleaved.length < queues.reduce((n, q) => n + q.length, 0); round++) for (const q of queues) if (q[round]) interleaved.push(q[round]!);
  return interleaved;
}

async function postAll(baseUrl: string, batches: { sender: string; parts: Part[] }[], label: string) {
  const { elapsedMs, latencies } = await postInTurn(label, CLIENTS, batches, (agent, batch) =>
    postBody(agent, new URL(`/api/v1/in/${batch.sender}/msgs`, baseUrl), renderMultipartMixed(batch.parts)),
  );
  const transfers = batches.reduce((n, b) => n + b.parts.length, 0);
  return { transfers, seconds: round(elapsedMs / 1000, 1), perSecond: perSecond(transfers, elapsedMs), latency: summarize(latencies) };
}

/** The API's settlement SQL for `n` pending instructions, statement for statement (src/spi/sql/, src/inbound/sql/insert-posted.ts). */
const SETTLE_FUNCTION = `
CREATE OR REPLACE FUNCTION bench_settle(n int, since timestamptz) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  s record;
  ids varchar(32)[];
  answer varchar(32);
  settled int := 0;
  report_xml text := (SELECT xml FROM bench_report_sample LIMIT 1);
BEGIN
  -- The request's answers: their instructions, then every account they move in ISPB order (src/spi/settle.ts).
  SELECT array_agg(instruction_id) INTO ids FROM (
    SELECT instruction_id FROM settlements WHERE state = 'pending' AND deadline_at >= since ORDER BY deadline_at LIMIT n FOR UPDATE SKIP LOCKED) AS picked;
  PERFORM 1 FROM accounts WHERE ispb IN (SELECT debtor_ispb FROM settlements WHERE instruction_id = ANY (ids) UNION SELECT creditor_ispb FROM settlements WHERE instruction_id = ANY (ids))
   ORDER BY ispb FOR UPDATE;
  FOR s IN SELECT instruction_id, original_end_to_end_id, debtor_ispb, creditor_ispb, amount_cents FROM settlements WHERE instruction_id = ANY (ids) LOOP
    answer := 'M' || substr(md5(random()::text), 1, 31);
    PERFORM 1 FROM messages WHERE biz_msg_idr = answer;
    INSERT INTO accounts (ispb, balance_cents) VALUES (s.creditor_ispb, 100000000) ON CONFLICT (ispb) DO NOTHING;
    PERFORM 1 FROM settlements WHERE instruction_id = s.instruction_id FOR UPDATE;
    PERFORM 1 FROM accounts WHERE ispb IN (s.debtor_ispb, s.creditor_ispb) ORDER BY ispb FOR UPDATE;
    WITH debit AS (
      UPDATE accounts SET balance_cents = balance_cents - s.amount_cents, updated_at = now() WHERE ispb = s.debtor_ispb AND balance_cents >= s.amount_cents RETURNING ispb, balance_cents
    ), credit AS (
      UPDATE accounts SET balance_cents = balance_cents + s.amount_cents, updated_at = now() WHERE ispb = s.creditor_ispb AND EXISTS (SELECT 1 FROM debit) RETURNING ispb, balance_cents
    ), movement AS (SELECT nextval('ledger_movements') AS id FROM debit)
    INSERT INTO ledger_entries (movement_id, ispb, kind, amount_cents, balance_after_cents, reference, booked_at)
    SELECT m.id, d.ispb, 'transfer', -s.amount_cents, d.balance_cents, s.instruction_id, now() FROM movement m, debit d
    UNION ALL SELECT m.id, c.ispb, 'transfer', s.amount_cents, c.balance_cents, s.instruction_id, now() FROM movement m, credit c;
    UPDATE settlements SET state = 'settled', answer_biz_msg_idr = answer, decided_at = now() WHERE instruction_id = s.instruction_id AND state = 'pending';
    INSERT INTO messages (kind, receiver_ispb, biz_msg_idr, end_to_end_id, xml)
    VALUES ('pacs.002', s.debtor_ispb, answer, s.original_end_to_end_id, report_xml), ('pacs.002', s.creditor_ispb, NULL, s.original_end_to_end_id, report_xml);
    settled := settled + 1;
  END LOOP;
  RETURN settled;
END $$`;

export async function measureSettlementRate(baseUrl: string, databaseUrl: string): Promise<SettlementRateResult> {
  const binary = findPgbench();
  if (!binary) throw new Error("the settlement ceiling needs pgbench on PATH (Debian's postgresql-client) or PGBENCH=/path");
  // Two sets of 100 participants: the API settles the first's transfers, pgbench the second's.
  const api = transfersOf(97_400_000, TRANSFERS);
  // The ceiling settles faster than the API: twice as many pending, so it does not run dry in its 10 s.
  const forCeiling = transfersOf(97_500_000, TRANSFERS * 2);
  progress(`settlement: ${CLIENTS} senders posting ${TRANSFERS * 3} transfers among ${PARTICIPANTS} participants (two sets)`);
  const acceptedApi = await postAll(baseUrl, api.batches, 'SPI: accept transfers');
  await postAll(baseUrl, forCeiling.batches, 'SPI: accept transfers (for the ceiling)');
  progress(`settlement: ${CLIENTS} clients answering ACSP for ${TRANSFERS} transfers`);
  const settled = await postAll(baseUrl, answersOf(api.transfers), 'SPI: settle (ACSP answers)');

  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'pix-bench-raw' });
  await admin.connect();
  try {
    await admin.query('DROP TABLE IF EXISTS bench_report_sample');
    await admin.query(`CREATE TABLE bench_report_sample AS SELECT xml FROM messages WHERE kind = 'pacs.002' AND receiver_ispb LIKE '974%' ORDER BY id DESC LIMIT 1`);
    await admin.query(SETTLE_FUNCTION);
    // The ceiling's own instructions, through settlements_due from the first of them on (older pending ones are other steps').
    const since = await admin.query(`SELECT min(deadline_at) AS at FROM settlements WHERE state = 'pending' AND debtor_ispb LIKE '975%'`);
    const script = pgbenchScript([`SELECT bench_settle(${BATCH}, :since)`]);
    progress(`settlement ceiling: pgbench, ${CLIENTS} clients × ${BATCH} settlements per transaction, ${CEILING_S} s`);
    const span = cpu.span('SPI settlement ceiling (pgbench: in "other")');
    const loop = await runPgbench(binary, databaseUrl, script, CLIENTS, CEILING_S, { since: (since.rows[0].at as Date).toISOString() });
    span.end();
    const ispbsApi = [...new Set(api.transfers.map((t) => t.payer))];
    const { rows } = await admin.query(
      `SELECT count(*) FILTER (WHERE debtor_ispb = ANY ($1::char(8)[]) AND state = 'settled')::int AS api_settled,
              count(*) FILTER (WHERE debtor_ispb LIKE '975%' AND state = 'pending')::int AS ceiling_pending,
              count(*) FILTER (WHERE debtor_ispb LIKE '975%' AND state = 'settled')::int AS ceiling_settled
         FROM settlements WHERE debtor_ispb LIKE '97%'`,
      [ispbsApi],
    );
    const ledger = await admin.query(`SELECT coalesce(sum(amount_cents), 0)::bigint AS total FROM ledger_entries WHERE kind = 'transfer'`);
    const negative = await admin.query(`SELECT count(*)::int AS n FROM accounts WHERE balance_cents < 0`);
    const reports = await admin.query(
      `SELECT count(*)::int AS n FROM messages WHERE kind = 'pacs.002' AND receiver_ispb = ANY ($1::char(8)[]) AND biz_msg_idr IS NOT NULL`,
      [ispbsApi],
    );
    const checks = { settledOnce: rows[0].api_settled === TRANSFERS && reports.rows[0].n >= TRANSFERS, ledgerBalanced: Number(ledger.rows[0].total) === 0, noNegative: negative.rows[0].n === 0 };
    const ceilingSettled = rows[0].ceiling_settled;
    return {
      participants: PARTICIPANTS,
      clients: CLIENTS,
      accepted: acceptedApi,
      settled,
      ceiling: {
        tool: (await run(binary, ['--version'], 10_000)).trim(),
        clients: CLIENTS,
        seconds: CEILING_S,
        transactionsPerSecond: loop.tps,
        perSecond: round(ceilingSettled / CEILING_S),
        leftPending: rows[0].ceiling_pending,
      },
      checks,
      ok: checks.settledOnce && checks.ledgerBalanced && checks.noNegative && rows[0].ceiling_pending > 0,
    };
  } finally {
    await admin.query('DROP FUNCTION IF EXISTS bench_settle(int, timestamptz)').catch(() => undefined);
    await admin.query('DROP TABLE IF EXISTS bench_report_sample').catch(() => undefined);
    await admin.end();
  }
}
