/**
 * Prometheus metrics of one API process, on a registry of its own (several
 * apps can live in one process, as in tests). Counters move where the thing
 * happens; the open-streams and pending-messages gauges ask the database at
 * scrape time, since streams and messages are shared by every process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decided } from '../inbound/handled.js';

export type Metrics = ReturnType<typeof createMetrics>;

/** What the database-backed gauges read at scrape time. */
export interface DatabaseProbes {
  countOpenStreams(): Promise<number>;
  countPendingMessages(): Promise<number>;
  /** Resolves when the database answers a query. */
  ping(): Promise<unknown>;
  /** The SPI's pending instructions, and the sum of every reserve account in cents. */
  countPendingInstructions(): Promise<number>;
  sumReserveCents(): Promise<number>;
}

/** Counts instructions the SPI decided (after their transaction committed). */
export function recordDecided(metrics: Metrics, decided: readonly Decided[]): void {
  for (const d of decided) {
    if (d.outcome === 'settled') {
      metrics.spiDecided.inc({ outcome: 'settled', reason: 'none' });
      metrics.spiSettlementSeconds.observe(d.seconds);
    } else metrics.spiDecided.inc({ outcome: 'rejected', reason: d.reason });
  }
}

export function createMetrics(probes: DatabaseProbes) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pix_stream_' });
  const registers = [registry];
  return {
    registry,
    messagesGenerated: new Counter({ name: 'pix_stream_messages_generated_total', help: 'Messages inserted by the generator', registers }),
    messagesDelivered: new Counter({ name: 'pix_stream_messages_delivered_total', help: 'Messages handed to collectors (first deliveries and redeliveries; replays not counted), by face', labelNames: ['face'] as const, registers }),
    messagesRedelivered: new Counter({ name: 'pix_stream_messages_redelivered_total', help: 'Deliveries of messages released by an ended stream, by face', labelNames: ['face'] as const, registers }),
    messagesAcknowledged: new Counter({ name: 'pix_stream_messages_acknowledged_total', help: 'Messages acknowledged, by the face of the stream that acknowledged them', labelNames: ['face'] as const, registers }),
    retentionDropped: new Counter({ name: 'pix_stream_retention_dropped_total', help: 'Rows deleted by retention (RETENTION_HOURS), by table: messages, iterations, streams', labelNames: ['table'] as const, registers }),
    streamsEnded: new Counter({ name: 'pix_stream_streams_ended_total', help: 'Streams ended, by how', labelNames: ['how'] as const, registers }),
    streamsRefused: new Counter({ name: 'pix_stream_streams_refused_total', help: 'Starts refused with 429: the ISPB was at its collector limit, by the face asking', labelNames: ['face'] as const, registers }),
    // No ISPB label: a label per participant would be ~900 series; the log line of each 429 names it.
    icomRequestsRefused: new Counter({ name: 'pix_stream_icom_requests_refused_total', help: 'ICOM requests refused with 429: the participant’s token bucket was empty (ICOM_BUCKET_*)', registers }),
    // A read that fails sets NaN (unknown) instead of failing the whole scrape:
    // during an outage /metrics still answers, and pix_stream_database_up says why.
    openStreams: new Gauge({
      name: 'pix_stream_open_streams',
      help: 'Open streams in the database (all processes); NaN while the database does not answer',
      registers,
      async collect() {
        this.set(await probes.countOpenStreams().catch(() => NaN));
      },
    }),
    pendingMessages: new Gauge({
      name: 'pix_stream_pending_messages',
      help: 'Messages waiting for a collector, all ISPBs (the backlog); NaN while the database does not answer',
      registers,
      async collect() {
        this.set(await probes.countPendingMessages().catch(() => NaN));
      },
    }),
    databaseUp: new Gauge({
      name: 'pix_stream_database_up',
      help: '1 if the database answered a query at scrape time, else 0',
      registers,
      async collect() {
        this.set(await probes.ping().then(() => 1, () => 0));
      },
    }),
    // A constant, so a dashboard can draw open streams against the limit.
    collectorLimit: new Gauge({ name: 'pix_stream_collector_limit', help: 'MAX_COLLECTORS_PER_ISPB: open streams allowed per ISPB', registers }),
    longPollWait: new Histogram({
      name: 'pix_stream_long_poll_seconds',
      help: 'Time from a stream request to its answer, by outcome and face',
      labelNames: ['outcome', 'face'] as const,
      buckets: [0.005, 0.02, 0.1, 0.5, 1, 2, 4, 8, 16, 32],
      registers,
    }),
    pullGroupSize: new Histogram({
      name: 'pix_stream_pull_group_size',
      help: 'Pulls carried by one claim statement (stream/pull-group.ts): how many collectors one commit served',
      buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128],
      registers,
    }),
    claimDuration: new Histogram({
      name: 'pix_stream_claim_seconds',
      help: 'Duration of one claim transaction (lock, acknowledge, claim, record)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    }),
    // The reason label is an ISO reason code (AB03, AM04, AC03…): a few dozen values at most.
    faultsInjected: new Counter({ name: 'pix_stream_faults_injected_total', help: 'Faults injected into participants\' own ICOM requests (PUT /api/util/faults), by fault', labelNames: ['fault'] as const, registers }),
    spiDecided: new Counter({ name: 'pix_stream_spi_instructions_decided_total', help: 'Instructions (pacs.008, pacs.004) the SPI settled or rejected, by outcome and reason code (none when settled)', labelNames: ['outcome', 'reason'] as const, registers }),
    spiSettlementSeconds: new Histogram({
      name: 'pix_stream_spi_settlement_seconds',
      help: 'From an instruction’s acceptance (AccptncDtTm) to its settlement',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 40],
      registers,
    }),
    spiPending: new Gauge({
      name: 'pix_stream_spi_pending_instructions',
      help: 'Instructions the SPI holds awaiting their answer (all processes); NaN while the database does not answer',
      registers,
      async collect() {
        this.set(await probes.countPendingInstructions().catch(() => NaN));
      },
    }),
    spiReserves: new Gauge({
      name: 'pix_stream_spi_reserves_brl',
      help: 'The sum of every reserve account, in reais: settlement moves money between accounts, so only PUT /api/util/accounts changes it',
      registers,
      async collect() {
        this.set(await probes.sumReserveCents().then((cents) => cents / 100, () => NaN));
      },
    }),
    httpRequests: new Histogram({
      name: 'pix_stream_http_request_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 8, 16],
      registers,
    }),
  };
}
