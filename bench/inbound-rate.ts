/**
 * ICOM inbound: how many messages a second the API takes from senders posting
 * credit transfers (POST /api/v1/in/{ispb}/msgs, multipart/mixed batches of
 * 10) — each read, checked, routed and stored with its parties. The documents
 * are built before the clock starts; 6 senders post concurrently, each on its
 * own keep-alive connection. Every answer must be 201.
 */
import http from 'node:http';
import { endToEndId, txId } from '../src/generation/rules/ids.js';
import { randomParty } from '../src/generation/rules/parties.js';
import { randomValor } from '../src/generation/rules/random.js';
import { renderMultipartMixed } from '../src/http/icom/multipart.js';
import { newBizMsgIdr } from '../src/iso20022/ids.js';
import { SPI_ISPB } from '../src/iso20022/message.js';
import { renderPacs008 } from '../src/iso20022/pacs008.js';
import { cpu } from './cpu-split.js';
import { perSecond, progress, summarize, type LatencySummary } from './stats.js';

export interface InboundRate {
  messages: number;
  senders: number;
  seconds: number;
  messagesPerSecond: number;
  /** Per request of 10 messages. */
  latency: LatencySummary;
  statuses: Record<string, number>;
}

/** `count` fresh credit transfers from `payer` to `receiver`, as one multipart/mixed inbound body. */
export function batchBody(payer: string, receiver: string, count = 10): { contentType: string; body: Buffer } {
  const parts = Array.from({ length: count }, () => {
    const now = new Date();
    const message = {
      endToEndId: endToEndId(payer, now),
      valor: randomValor(),
      pagador: randomParty(payer),
      recebedor: randomParty(receiver),
      campoLivre: '',
      txId: txId(),
      dataHoraPagamento: now.toISOString(),
    };
    const xml = renderPacs008(message, { bizMsgIdr: newBizMsgIdr(payer, now), from: payer, to: SPI_ISPB, createdAt: now });
    return { headers: { 'Content-Type': 'application/xml; charset=utf-8' }, body: xml };
  });
  return renderMultipartMixed(parts);
}

/** One POST of a body on the agent's connection; its status. */
export function postBody(agent: http.Agent, url: URL, batch: { contentType: string; body: Buffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': batch.contentType, 'content-length': batch.body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(batch.body);
  });
}

export interface PostedInTurn {
  elapsedMs: number;
  latencies: number[];
  statuses: Record<string, number>;
}

/**
 * `senders` clients, one keep-alive socket each, posting the requests in turn
 * until none is left, inside a CPU span named `label`; throws unless every
 * answer was 201.
 */
export async function postInTurn<T>(label: string, senders: number, requests: T[], post: (agent: http.Agent, request: T) => Promise<number>): Promise<PostedInTurn> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const span = cpu.span(label);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (next < requests.length) {
          const request = requests[next++]!;
          const sent = performance.now();
          const status = await post(agent, request);
          latencies.push(performance.now() - sent);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  span.end();
  if (statuses['201'] !== requests.length) throw new Error(`${label}: answers ${JSON.stringify(statuses)}, expected ${requests.length} × 201`);
  return { elapsedMs, latencies, statuses };
}

export async function measureInboundRate(baseUrl: string, payer: string, receiver: string, messages = 20_000, senders = 6): Promise<InboundRate> {
  const batches = Array.from({ length: Math.ceil(messages / 10) }, () => batchBody(payer, receiver));
  progress(`inbound: ${senders} senders posting ${batches.length} requests of 10 transfers`);
  const url = new URL(`/api/v1/in/${payer}/msgs`, baseUrl);
  const { elapsedMs, latencies, statuses } = await postInTurn('ICOM inbound', senders, batches, (agent, batch) => postBody(agent, url, batch));
  return { messages: batches.length * 10, senders, seconds: Math.round(elapsedMs / 100) / 10, messagesPerSecond: perSecond(batches.length * 10, elapsedMs), latency: summarize(latencies), statuses };
}
