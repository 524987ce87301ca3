/**
 * The capacity rehearsal (docs/rehearsal.md) from pix-stream's side: the
 * highest rate at which what pix-stream itself adds stays within its share of
 * the test's budgets. A bank stand-in in this process does as little as a
 * bank can (3 ICOM streams of the client library; each pacs.008 answered ACSP
 * at once; its own payments to 99999A04 posted one by one at the rate), so
 * what the rehearsal measures is pix-stream's: storing, waking, claiming and
 * serving (consumption), and taking the answer to its decision (answer time).
 * pix-stream's share: half of each budget, the other half left to the bank:
 *   consumption p99 ≤ 100 ms (of 200), both roles
 *   answer p95 ≤ 1,150 ms (of 2,300) and p50 ≤ 700 ms (of 1,400)
 * Rates of BENCH_REHEARSAL_RATES a minute (1000,2000,4000,8000), each for
 * BENCH_REHEARSAL_MINUTES (1), each on a participant of its own, in order,
 * stopping at the first that fails. The rehearsal is read once nothing of it
 * is pending (the bench's API never times an instruction out).
 */
import http from 'node:http';
import { openStream, type IcomMessage } from '../src/client/index.js';
import { endToEndId } from '../src/generation/rules/ids.js';
import { randomParty } from '../src/generation/rules/parties.js';
import { newBizMsgIdr } from '../src/iso20022/ids.js';
import { readInbound } from '../src/iso20022/inbound.js';
import { SPI_ISPB } from '../src/iso20022/message.js';
import { renderPacs002 } from '../src/iso20022/pacs002.js';
import { renderPacs008 } from '../src/iso20022/pacs008.js';
import type { RehearsalView } from '../src/rehearsal/service.js';
import { cpu } from './cpu-split.js';
import { sleep } from './http-client.js';
import { progress } from './stats.js';

const RATES = (process.env.BENCH_REHEARSAL_RATES ?? '1000,2000,4000,8000').split(',').map(Number);
const MINUTES = Number(process.env.BENCH_REHEARSAL_MINUTES ?? 1);
export const SHARE = { consumptionP99Ms: 100, answerP50Ms: 700, answerP95Ms: 1150 };

export interface RehearsalRun {
  perMinute: number;
  ispb: string;
  receiverConsumptionP99Ms: number | null;
  payerConsumptionP99Ms: number | null;
  answerP50Ms: number | null;
  answerP95Ms: number | null;
  /** Every criterion of the test itself (the bank's half included). */
  criteriaPassed: number;
  instructions: number;
  settled: number;
  withinShare: boolean;
}

export interface RehearsalRateResult {
  minutes: number;
  runs: RehearsalRun[];
  /** The highest rate whose run stayed within pix-stream's share; null if none did. */
  highestWithinShare: number | null;
}

function postXml(agent: http.Agent, baseUrl: string, ispb: string, xml: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(xml);
    const req = http.request(new URL(`/api/v1/in/${ispb}/msgs`, baseUrl), { method: 'POST', agent, headers: { 'content-type': 'application/xml', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function json<T>(url: URL, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as T };
}

/** The stand-in: reads P's stream on 3 streams, answers each pacs.008 at once, pays 99999A04 at the rate. */
async function playBank(baseUrl: string, ispb: string, perMinute: number, minutes: number, stop: AbortSignal): Promise<{ failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let failed = 0;
  const send = (xml: string) =>
    postXml(agent, baseUrl, ispb, xml).then(
      (status) => void (status === 201 || failed++),
      () => void failed++,
    );
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const collect = async () => {
    const stream = openStream({ baseUrl, ispb, face: 'icom', multipart: true, signal: stop });
    try {
      for await (const batch of stream) {
        for (const message of batch.messages as IcomMessage[]) {
          // The SPI's reports (ACSC, ACCC) are only acknowledged; a pacs.008 is read with the project's inbound reader.
          if (!/<MsgDefIdr>pacs\.008\./.test(message.xml)) continue;
          const m = readInbound(message.xml);
          if (m.kind !== 'pacs.008') continue;
          const now = new Date();
          track(send(renderPacs002({ originalEndToEndId: m.message.endToEndId, status: 'ACSP', reason: null }, { bizMsgIdr: newBizMsgIdr(ispb, now), from: ispb, to: SPI_ISPB, createdAt: now })));
        }
      }
    } catch (err) {
      if (!stop.aborted) throw err;
    }
    await stream.close();
  };
  const pay = async () => {
    const total = Math.round(perMinute * minutes);
    const started = Date.now();
    for (let n = 0; n < total && !stop.aborted; n++) {
      const wait = started + (n * 60_000) / perMinute - Date.now();
      if (wait > 0) await sleep(wait);
      const now = new Date();
      const message = { endToEndId: endToEndId(ispb, now), valor: 10, pagador: randomParty(ispb), recebedor: randomParty('99999A04'), campoLivre: '', txId: null, dataHoraPagamento: now.toISOString() };
      track(send(renderPacs008(message, { bizMsgIdr: newBizMsgIdr(ispb, now), from: ispb, to: SPI_ISPB, createdAt: now })));
    }
  };
  await Promise.all([collect(), collect(), collect(), pay()]);
  await Promise.all(inFlight);
  agent.destroy();
  return { failed };
}

async function rehearseAt(baseUrl: string, ispb: string, perMinute: number): Promise<RehearsalRun> {
  const started = await json<RehearsalView>(new URL('/api/util/rehearsals', baseUrl), 'POST', { ispb, perMinute, minutes: MINUTES });
  if (started.status !== 202) throw new Error(`POST /api/util/rehearsals answered ${started.status}: ${JSON.stringify(started.body)}`);
  const url = new URL(`/api/util/rehearsals/${started.body.id}`, baseUrl);
  const stop = new AbortController();
  const span = cpu.span(`rehearsal ${perMinute}/min each way (bank stand-in: in "bench")`);
  const bank = playBank(baseUrl, ispb, perMinute, MINUTES, stop.signal);
  let view = started.body;
  // Over when 99999A03 has sent all, the time is up, and nothing of either role is pending.
  for (const deadline = Date.now() + MINUTES * 60_000 + 120_000; Date.now() < deadline; await sleep(1000)) {
    view = (await json<RehearsalView>(url)).body;
    const over = view.state !== 'running' && view.paymentsToP.sent === view.paymentsToP.total;
    if (over && view.receiver.pending + view.payer.pending === 0 && view.receiver.answered === view.receiver.instructions) break;
  }
  stop.abort();
  const { failed } = await bank;
  span.end();
  await json(url, 'DELETE');
  if (failed > 0) throw new Error(`the bank stand-in had ${failed} posts refused at ${perMinute}/min`);
  const run: RehearsalRun = {
    perMinute,
    ispb,
    receiverConsumptionP99Ms: view.receiver.consumptionP99Ms,
    payerConsumptionP99Ms: view.payer.consumptionP99Ms,
    answerP50Ms: view.receiver.answerP50Ms,
    answerP95Ms: view.receiver.answerP95Ms,
    criteriaPassed: view.criteria.filter((c) => c.pass).length,
    instructions: view.receiver.instructions + view.payer.instructions,
    settled: view.receiver.settled + view.payer.settled,
    withinShare: false,
  };
  const within = (v: number | null, max: number) => v !== null && v <= max;
  run.withinShare =
    within(run.receiverConsumptionP99Ms, SHARE.consumptionP99Ms) && within(run.payerConsumptionP99Ms, SHARE.consumptionP99Ms) &&
    within(run.answerP50Ms, SHARE.answerP50Ms) && within(run.answerP95Ms, SHARE.answerP95Ms) && run.settled === run.instructions;
  return run;
}

export async function measureRehearsalRate(baseUrl: string, firstIspb: number): Promise<RehearsalRateResult> {
  const runs: RehearsalRun[] = [];
  for (const [i, perMinute] of RATES.entries()) {
    const ispb = String(firstIspb + i).padStart(8, '0');
    progress(`rehearsal: ${perMinute} a minute each way for ${MINUTES} min against a bank stand-in (${ispb})`);
    const run = await rehearseAt(baseUrl, ispb, perMinute);
    progress(`rehearsal ${perMinute}/min: consumption p99 ${run.receiverConsumptionP99Ms} / ${run.payerConsumptionP99Ms} ms, answer p50 ${run.answerP50Ms} p95 ${run.answerP95Ms} ms`);
    runs.push(run);
    if (!run.withinShare) break;
  }
  const within = runs.filter((r) => r.withinShare).map((r) => r.perMinute);
  return { minutes: MINUTES, runs, highestWithinShare: within.length > 0 ? Math.max(...within) : null };
}
