/**
 * What tracing costs the stream: the same multipart drain (20,000 messages,
 * 6 collectors) against two API processes on one database, one without
 * OTEL_EXPORTER_OTLP_ENDPOINT (tracing off) and one pointed at a local OTLP
 * sink (tracing on: every span exported over HTTP to a server that reads and
 * discards). Alternated over ROUNDS so a disturbance of the shared machine
 * hits both sides. Besides msg/s it reports the API process's own CPU per
 * 1,000 messages, which other engineers' load on the 2 cores disturbs less.
 *
 *   npm run build && node dist/bench/tracing-cost.js
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { measureDrain } from './drain-throughput.js';
import { seed } from './generation-rate.js';
import { Harness, machine } from './harness.js';
import { HttpClient } from './http-client.js';
import { progress, round } from './stats.js';

const MESSAGES = 20_000;
const COLLECTORS = 6;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const randomIspb = () => String(randomInt(10_000_000, 100_000_000));

/** utime + stime of a process, in seconds (USER_HZ is 100 on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** An OTLP/HTTP endpoint that accepts every export and keeps nothing but counts. */
async function startSink(): Promise<{ url: string; counts: { requests: number; bytes: number }; close(): Promise<void> }> {
  const counts = { requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (counts.bytes += chunk.length));
    req.on('end', () => {
      counts.requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, counts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Api {
  tracing: boolean;
  client: HttpClient;
  pid: number;
}

async function drainOnce(api: Api, sink: { counts: { requests: number; bytes: number } }) {
  const ispb = randomIspb();
  await seed(api.client, ispb, MESSAGES);
  const cpuBefore = cpuSeconds(api.pid);
  const bytesBefore = sink.counts.bytes;
  const drain = await measureDrain(api.client, ispb, MESSAGES, COLLECTORS, true);
  // Spans still in the batch processor's queue reach the sink within its 5 s schedule.
  const apiCpuS = cpuSeconds(api.pid) - cpuBefore;
  if (!drain.ok) throw new Error(`drain failed: ${JSON.stringify(drain)}`);
  return {
    tracing: api.tracing,
    messagesPerSecond: drain.messagesPerSecond,
    seconds: drain.seconds,
    requests: drain.requests,
    p50Ms: drain.latency.p50Ms,
    p99Ms: drain.latency.p99Ms,
    apiCpuMsPer1000: round((apiCpuS * 1000 * 1000) / MESSAGES, 1),
    exportedKiB: round((sink.counts.bytes - bytesBefore) / 1024),
  };
}

async function main(): Promise<void> {
  const harness = new Harness();
  const env = machine();
  process.once('SIGINT', () => void harness.cleanup().then(() => process.exit(130)));
  const sink = await startSink();
  harness.onCleanup('close the OTLP sink', () => sink.close());
  try {
    env.postgres = await harness.prepareDatabase(env);
    // '' overrides a value inherited from this shell: the off side must really be off.
    await harness.startApi({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    const off: Api = { tracing: false, client: new HttpClient(harness.apiUrl), pid: harness.apiPid! };
    await harness.startApi({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    const on: Api = { tracing: true, client: new HttpClient(harness.apiUrl), pid: harness.apiPid! };
    progress('warm-up drains');
    await drainOnce(off, sink);
    await drainOnce(on, sink);
    const results: Awaited<ReturnType<typeof drainOnce>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so a trend in the machine's load favours neither side.
      for (const api of i % 2 === 0 ? [off, on] : [on, off]) results.push(await drainOnce(api, sink));
    }
    for (const r of results) console.log(JSON.stringify(r));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const side = (tracing: boolean) => {
      const rs = results.filter((r) => r.tracing === tracing);
      return {
        messagesPerSecond: median(rs.map((r) => r.messagesPerSecond)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        apiCpuMsPer1000: median(rs.map((r) => r.apiCpuMsPer1000)),
      };
    };
    const [a, b] = [side(false), side(true)];
    console.log(`\n${env.cpuModel}, ${env.cores} cores, load average before ${env.loadAverageBefore.join(' ')}, ${env.postgres.split(' on ')[0]}`);
    console.log(`drain ${MESSAGES} messages, ${COLLECTORS} multipart collectors, median of ${ROUNDS}:`);
    console.log(`  tracing off: ${a.messagesPerSecond} msg/s, request p99 ${a.p99Ms} ms, API CPU ${a.apiCpuMsPer1000} ms per 1,000 messages`);
    console.log(`  tracing on:  ${b.messagesPerSecond} msg/s, request p99 ${b.p99Ms} ms, API CPU ${b.apiCpuMsPer1000} ms per 1,000 messages`);
    console.log(`  sink received ${sink.counts.requests} exports, ${round(sink.counts.bytes / 1024)} KiB`);
  } finally {
    await harness.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
