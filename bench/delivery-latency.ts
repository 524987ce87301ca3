/**
 * Step 4: insert -> delivery latency through LISTEN/NOTIFY.
 * One collector (Node's fetch, default headers) long-polls an empty ISPB;
 * 20 ms after its request went out (it is waiting by then), another client
 * POSTs one message for that ISPB.
 * Sample = from just before the POST is sent to the collector's reply having
 * arrived. Then the collector follows its Pull-Next (waiting again) and the
 * next sample starts: strictly sequential.
 */
import { collectorAgent, endToEndIds, FetchClient, HttpClient, pullNextOf, sleep } from './http-client.js';
import { cpu } from './cpu-split.js';
import { progress, summarize, type LatencySummary } from './stats.js';

const WAIT_BEFORE_POST_MS = 20;

export interface DeliveryLatencyResult {
  samples: number;
  latency: LatencySummary;
  /** Replies that were not exactly one message (should be 0). */
  anomalies: number;
  closeStatus: number;
}

export async function measureDeliveryLatency(client: HttpClient, ispb: string, samples = 200): Promise<DeliveryLatencyResult> {
  progress(`insert->delivery: ${samples} sequential samples on ${ispb}`);
  const fetcher = new FetchClient(client.baseUrl);
  const poster = collectorAgent();
  const latencies: number[] = [];
  let anomalies = 0;
  let path = `/api/pix/${ispb}/stream/start`;
  const span = cpu.span('insert->delivery');
  try {
    for (let i = 0; i < samples; i += 1) {
      const waiting = fetcher.request(path);
      waiting.catch(() => undefined); // a failure is thrown where it is awaited below, not as an unhandled rejection
      await sleep(WAIT_BEFORE_POST_MS);
      const postStarted = performance.now();
      const posted = client.request(`/api/util/msgs/${ispb}/1`, { method: 'POST', agent: poster });
      const [reply, post] = await Promise.all([waiting, posted]);
      if (post.status !== 201) throw new Error(`POST /api/util/msgs/${ispb}/1 answered ${post.status}: ${post.body.slice(0, 300)}`);
      if (reply.status !== 200) throw new Error(`collector got ${reply.status} instead of the message: ${reply.body.slice(0, 300)}`);
      if (endToEndIds(reply.body).length !== 1 || reply.receivedAt < postStarted) anomalies += 1;
      latencies.push(reply.receivedAt - postStarted);
      path = pullNextOf(reply);
    }
    span.end();
    const closed = await fetcher.request(path, { method: 'DELETE' });
    return { samples, latency: summarize(latencies), anomalies, closeStatus: closed.status };
  } finally {
    poster.destroy();
  }
}
