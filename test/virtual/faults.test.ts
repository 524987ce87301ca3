/**
 * Faults for a participant under test, through HTTP (docs/faults.md): each
 * one met by that participant's own ICOM requests only, counted (GET, the
 * dashboard, /metrics), and exactly-once kept through each — a reset answer
 * is a lost answer (the same Pull-Next URI gives the same batch again), a
 * redelivered batch comes once more on the next stream with the same
 * PI-ResourceIds, a late AB03 arrives once. Problems are read by an XML
 * parser we did not write; JSON answers are checked against the OpenAPI
 * document.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { icomDrain, icomRequest, type IcomReply } from '../support/icom-client';
import { openStream, type IcomMessage, type StreamEvent } from '../../src/client';
import { messageCounts, randomIspb } from '../support/factories';
import { documentedFetch } from '../support/openapi';
import { Bank } from '../support/spi-bank';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  // Streams idle 5 s expire: a stream whose start answer was reset is given up by its collector, and its batch comes back then.
  server = await startTestServer({ JOBS: 'on', LONG_POLL_TIMEOUT_MS: '300', STREAM_IDLE_TIMEOUT_S: '5', SPI_SETTLEMENT_TIMEOUT_S: '3', SPI_DEADLINE_CHECK_INTERVAL_S: '1' });
});
afterAll(() => server.stop());

const api = (method: string, path: string, body?: unknown) => documentedFetch(server.url, method, path, body);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Each process reads the faults at most once a second. */
const BOOK_REFRESH_MS = 1100;

async function setFaults(ispb: string, faults: unknown): Promise<void> {
  const res = await api('PUT', `/api/util/faults/${ispb}`, faults);
  expect(res.status).toBe(201);
  await sleep(BOOK_REFRESH_MS);
}

async function clearFaults(ispb: string): Promise<void> {
  expect((await api('DELETE', `/api/util/faults/${ispb}`)).status).toBe(204);
  await sleep(BOOK_REFRESH_MS);
}

/** Injected so far, once the counts have reached the database. */
async function injected(ispb: string): Promise<Record<string, number>> {
  await sleep(BOOK_REFRESH_MS);
  return ((await api('GET', `/api/util/faults/${ispb}`)).body as { injected: Record<string, number> }).injected;
}

async function generate(ispb: string, count: number): Promise<void> {
  expect((await fetch(`${server.url}/api/util/msgs/${ispb}/${count}`, { method: 'POST' })).status).toBe(201);
}

const xml = new XMLParser({ ignoreAttributes: false });
function problemOf(reply: IcomReply, status: number): { detail: string } {
  expect(reply.status).toBe(status);
  expect(reply.contentType).toMatch(/^application\/problem\+xml/);
  expect(XMLValidator.validate(reply.text)).toBe(true);
  return xml.parse(reply.text).problem;
}

const start = (ispb: string) => icomRequest(server.url, `/api/v1/out/${ispb}/stream/start`, { accept: 'multipart/mixed' });
const pull = (uri: string) => icomRequest(server.url, uri, { accept: 'multipart/mixed' });
const ids = (reply: IcomReply) => reply.messages.map((m) => m.resourceId);

describe('PUT, GET and DELETE /api/util/faults/{ispb}', () => {
  it('sets the faults (201, then 200), reads them with defaults and counts, removes them (204, then 404)', async () => {
    const ispb = randomIspb();
    const created = await api('PUT', `/api/util/faults/${ispb}`, { latencyMs: 5, throttle: { share: 0.5 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ispb, faults: { latencyMs: 5, throttle: { share: 0.5, burst: 1, retryAfterS: 1 }, unavailable: null, resetShare: 0 }, injected: {} });
    expect((await api('PUT', `/api/util/faults/${ispb}`, { redeliveryShare: 0.1 })).status).toBe(200);
    expect((await api('GET', `/api/util/faults/${ispb}`)).body).toMatchObject({ faults: { redeliveryShare: 0.1, latencyMs: 0, throttle: null } });
    expect((await api('DELETE', `/api/util/faults/${ispb}`)).status).toBe(204);
    expect((await api('GET', `/api/util/faults/${ispb}`)).status).toBe(404);
    expect((await api('DELETE', `/api/util/faults/${ispb}`)).status).toBe(404);
  });

  it.each([
    [{ latencyMs: -1 }, /latencyMs must be a whole number from 0/],
    [{ resetShare: 2 }, /resetShare must be a number from 0 to 1/],
    [{ throttle: { burst: 0 } }, /throttle.burst must be a whole number from 1/],
    [{ throttle: 'yes' }, /throttle must be an object/],
    [{ unavailable: {} }, /unavailable.forS must be a whole number from 1/],
    [{ lateAB03: 60 }, /unknown field "lateAB03"/],
    [[], /must be a JSON object/],
  ])('refuses %j with a 400 problem, and writes nothing', async (faults, detail) => {
    const ispb = randomIspb();
    const res = await api('PUT', `/api/util/faults/${ispb}`, faults);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((res.body as { detail: string }).detail).toMatch(detail);
    expect((await api('GET', `/api/util/faults/${ispb}`)).status).toBe(404);
  });

  it('refuses an ISPB that is not one (400)', async () => {
    expect((await api('PUT', '/api/util/faults/catalog', { latencyMs: 1 })).status).toBe(400);
  });
});

describe('faults met by the participant’s own ICOM requests', () => {
  it('503 with Retry-After while the unavailable window lasts, then normal service; other participants are served throughout', async () => {
    const ispb = randomIspb();
    const other = randomIspb();
    await setFaults(ispb, { unavailable: { forS: 3, retryAfterS: 7 } });
    const refused = await start(ispb);
    expect(problemOf(refused, 503).detail).toMatch(/a fault .* asked for/);
    expect(refused.headers.get('retry-after')).toBe('7');
    const posted = await new Bank(server.url, ispb).send([new Bank(server.url, ispb).echoXml('x')]).catch((err: Error) => err.message);
    expect(posted).toMatch(/post answered 503/);
    expect((await start(other)).status).toBe(204);
    await sleep(3000);
    const served = await start(ispb);
    expect(served.status).toBe(204);
    expect(await injected(ispb)).toEqual({ unavailable: 2 });
  });

  it('429 bursts with Retry-After, as problem+xml; off again after DELETE', async () => {
    const ispb = randomIspb();
    await setFaults(ispb, { throttle: { share: 1, burst: 3, retryAfterS: 2 } });
    for (let i = 0; i < 3; i++) {
      const reply = await start(ispb);
      expect(problemOf(reply, 429).detail).toMatch(/Too many requests/);
      expect(reply.headers.get('retry-after')).toBe('2');
    }
    expect((await start(randomIspb())).status).toBe(204);
    const counts = await injected(ispb);
    await clearFaults(ispb);
    expect(counts).toEqual({ throttle: 3 });
    expect((await start(ispb)).status).toBe(204);
  });

  it('adds latency to each request', async () => {
    const ispb = randomIspb();
    await setFaults(ispb, { latencyMs: 600 });
    const bank = new Bank(server.url, ispb);
    const began = Date.now();
    await bank.send([bank.echoXml('slow')]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(600);
    expect((await injected(ispb)).latency).toBe(1);
  });

  it('resets the connection halfway through the body: the answer is lost, and the same Pull-Next URI gives the same batch', async () => {
    const ispb = randomIspb();
    await generate(ispb, 25);
    const first = await start(ispb);
    expect(first.messages).toHaveLength(10);
    await setFaults(ispb, { resetShare: 1 });
    await expect(pull(first.pullNext!)).rejects.toThrow();
    expect((await injected(ispb)).reset).toBe(1);
    await clearFaults(ispb);
    const again = await pull(first.pullNext!); // acknowledges the first batch (again: once) and answers the second
    expect(again.messages).toHaveLength(10);
    const again2 = await pull(first.pullNext!);
    expect(ids(again2)).toEqual(ids(again));
    const rest = [...(await pull(again.pullNext!)).messages];
    expect(rest).toHaveLength(5);
    const all = [...ids(first), ...ids(again), ...rest.map((m) => m.resourceId)];
    expect(new Set(all).size).toBe(25);
  });

  it('redelivers: the pull finds its stream ended (410) and the unacknowledged batch comes again on the next stream, same PI-ResourceIds', async () => {
    const ispb = randomIspb();
    await generate(ispb, 15);
    const first = await start(ispb);
    expect(first.messages).toHaveLength(10);
    await setFaults(ispb, { redeliveryShare: 1 });
    const gone = await pull(first.pullNext!);
    problemOf(gone, 410);
    expect((await injected(ispb)).redelivery).toBe(1);
    await clearFaults(ispb);
    const drained = await icomDrain(server.url, ispb, { multipart: true });
    expect(drained.map((m) => m.resourceId).slice(0, 10).sort()).toEqual(ids(first).sort());
    expect(new Set(drained.map((m) => m.resourceId)).size).toBe(15);
    expect(await icomDrain(server.url, ispb, { multipart: true })).toEqual([]);
  });
});

describe('the SPI’s AB03 arriving late', () => {
  it('holds the AB03 to the participant back by lateAb03S, then stores it once; its counterparty’s comes on time', async () => {
    const payer = randomIspb();
    const silent = randomIspb();
    expect((await api('PUT', `/api/util/virtual/${silent}`, { answer: 'none' })).status).toBe(201);
    await setFaults(payer, { lateAb03S: 4 });
    await sleep(1000); // the virtual workers read profiles every 2 s
    const bank = new Bank(server.url, payer);
    const posted = Date.now();
    const transfer = await bank.pay(silent, 10);
    // Timeout 3 s (+ the 1 s deadline check): an unfaulted payer would have its AB03 by now.
    const early = await bank.inboxUntil(() => false, 5000);
    expect(early.filter((s) => s.kind === 'pacs.002')).toEqual([]);
    const late = await bank.inboxUntil((seen) => seen.some((s) => s.reason === 'AB03'), 10_000);
    const ab03s = late.filter((s) => s.kind === 'pacs.002' && s.reason === 'AB03');
    expect(ab03s).toHaveLength(1);
    expect(ab03s[0]).toMatchObject({ status: 'RJCT', endToEndId: transfer.endToEndId });
    expect(Date.now() - posted).toBeGreaterThanOrEqual(3000 + 4000);
    expect((await bank.inboxUntil(() => false, 1500)).filter((s) => s.kind === 'pacs.002')).toEqual([]);
    expect((await injected(payer)).lateAb03).toBe(1);
  }, 30_000);
});

describe('exactly once through every fault at once', () => {
  it('6 collectors of the client library, met by 429 bursts, latency, resets and redeliveries, leave every message acknowledged once', async () => {
    const ispb = randomIspb();
    const total = 400;
    await generate(ispb, total);
    await setFaults(ispb, { throttle: { share: 0.05, burst: 2, retryAfterS: 1 }, latencyMs: 10, resetShare: 0.1, redeliveryShare: 0.1 });
    const received: IcomMessage[] = [];
    const union = new Set<string>();
    const events: StreamEvent[] = [];
    const collector = async () => {
      const stream = openStream({ baseUrl: server.url, ispb, face: 'icom', multipart: true, backoff: { initialMs: 20, maxMs: 200 }, onEvent: (e) => events.push(e) });
      for await (const batch of stream) {
        received.push(...batch.messages);
        for (const m of batch.messages) union.add(m.resourceId);
        // A 204 after the last message: this collector's batches are all acknowledged (by its pulls since).
        if (batch.status === 204 && union.size === total) break;
      }
      await stream.close();
    };
    await Promise.all(Array.from({ length: 6 }, collector));
    const counts = await injected(ispb);
    await clearFaults(ispb);
    // A start whose answer was reset left a stream no collector knows, holding its batch until it
    // expires; that batch may be one a collector had already received before a redelivery released it.
    // Ended now (as the idle timeout would), such batches come again to one clean drain.
    expect((await fetch(`${server.url}/api/pix/${ispb}/stream/stop`, { method: 'DELETE' })).status).toBe(200);
    const orphaned = await icomDrain(server.url, ispb, { multipart: true });
    expect(orphaned.filter((m) => !union.has(m.resourceId))).toEqual([]);
    received.push(...orphaned);
    const stood = await messageCounts(server.db, ispb);
    expect(stood).toMatchObject({ total, pending: 0, inFlight: 0, acked: total });
    expect(new Set(received.map((m) => m.resourceId)).size).toBe(total);
    // Every fault was met, and the client saw them as what they are: refusals, retries, restarts.
    expect(counts).toMatchObject({ throttle: expect.any(Number), latency: expect.any(Number), reset: expect.any(Number), redelivery: expect.any(Number) });
    expect(events.some((e) => e.type === 'retry')).toBe(true);
    // A message the collectors got twice is one the database handed out twice (released by an ended stream).
    const seen = new Map<string, number>();
    for (const m of received) seen.set(m.resourceId, (seen.get(m.resourceId) ?? 0) + 1);
    expect([...seen.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(stood.redelivered);
  }, 60_000);
});

describe('counted where operators look', () => {
  it('shows each participant’s faults on the dashboard and in /metrics', async () => {
    const ispb = randomIspb();
    await setFaults(ispb, { throttle: { share: 1 } });
    expect((await start(ispb)).status).toBe(429);
    expect((await start(ispb)).status).toBe(429);
    await sleep(BOOK_REFRESH_MS + 1000); // counts written, dashboard cache expired
    const dashboard = await api('GET', `/api/util/dashboard`);
    const row = (dashboard.body as { faults: { ispb: string; on: boolean; injected: Record<string, number> }[] }).faults.find((f) => f.ispb === ispb);
    expect(row).toEqual({ ispb, on: true, injected: { throttle: 2 } });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^pix_stream_faults_injected_total\{fault="throttle"\} [1-9]\d*$/m);
    await clearFaults(ispb);
    await sleep(1000);
    const after = (await api('GET', `/api/util/dashboard`)).body as { faults: { ispb: string; on: boolean }[] };
    expect(after.faults.find((f) => f.ispb === ispb)).toMatchObject({ on: false });
  });
});
