/**
 * A steady inflow for the many-ISPBs step, as participants send it: ICOM
 * inbound (`POST /api/v1/in/{sender}/msgs`, multipart/mixed of `batch` credit
 * transfers from one sending participant, each POST to one receiving ISPB,
 * built fresh per POST by inbound-rate.ts). Open loop: POST k is due at k x n / rate
 * seconds, ISPBs taken in turn, whatever the earlier POSTs are doing. At most
 * MAX_IN_FLIGHT POSTs are outstanding; a POST that falls due beyond that is
 * dropped, not sent late, so a server that cannot take the inflow shows up as
 * inflow short of the rate (which fails the probe), never as a burst.
 */
import http from 'node:http';
import type { HttpClient } from './http-client.js';
import { sleep } from './http-client.js';
import { batchBody } from './inbound-rate.js';
import { summarize, type LatencySummary } from './stats.js';

/** The sending participant: not one of the receiving ISPBs, so its own queue stays out of the figures. */
export const SENDER_ISPB = '97999999';

/** Enough for ~10,000 msg/s in POSTs of 10 at a few ms each, few enough not to swamp the API. */
const MAX_IN_FLIGHT = 64;
/** Timer granularity of the pacing loop: POSTs due within a tick go out together. */
const TICK_MS = 2;

export interface SenderStats {
  rate: number;
  batch: number;
  posts: number;
  messages: number;
  /** POSTs that fell due while MAX_IN_FLIGHT were outstanding, and were not sent. */
  dropped: number;
  statuses: Record<string, number>;
  /** POST request start -> its 201 reply (read, checked, routed, stored and committed). */
  postLatency: LatencySummary;
  firstError?: string;
}

export interface RunningSender {
  stop(): Promise<SenderStats>;
}

export function startSender(client: HttpClient, ispbs: string[], rate: number, batch: number): RunningSender {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const intervalMs = (batch / rate) * 1000;
  const statuses: Record<string, number> = {};
  const durations: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let posts = 0;
  let messages = 0;
  let dropped = 0;
  let firstError: string | undefined;
  let stopped = false;

  const post = (ispb: string) => {
    const { contentType, body } = batchBody(SENDER_ISPB, ispb, batch);
    const started = performance.now();
    const headers = { 'content-type': contentType, 'content-length': body.length };
    const done = client.request(`/api/v1/in/${SENDER_ISPB}/msgs`, { method: 'POST', agent, headers, body }).then(
      (reply) => {
        durations.push(reply.receivedAt - started);
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        if (reply.status === 201) messages += batch;
        else firstError ??= `POST ${ispb} answered ${reply.status}: ${reply.body.slice(0, 200)}`;
      },
      (err) => {
        statuses.error = (statuses.error ?? 0) + 1;
        firstError ??= `POST ${ispb}: ${(err as Error).message}`;
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  const loop = (async () => {
    const started = performance.now();
    let due = 0;
    let next = 0;
    while (!stopped) {
      const shouldHave = Math.floor((performance.now() - started) / intervalMs) + 1;
      for (; due < shouldHave; due += 1) {
        const ispb = ispbs[next++ % ispbs.length];
        if (inFlight.size >= MAX_IN_FLIGHT) dropped += 1;
        else {
          posts += 1;
          post(ispb);
        }
      }
      await sleep(TICK_MS);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      agent.destroy();
      return { rate, batch, posts, messages, dropped, statuses, postLatency: summarize(durations), firstError };
    },
  };
}
