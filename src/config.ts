/**
 * The only place that reads process.env. Parsed once at start into a frozen,
 * typed object; a bad value fails fast with a message naming the key.
 */
import { createPrivateKey } from 'node:crypto';
import { cents, certificate, ConfigError, decimal, integer, oneOf, pemFile, url, type Env } from './config-values.js';

export { ConfigError } from './config-values.js';

export interface Config {
  readonly port: number;
  /** Unset: an embedded PostgreSQL is started under `embeddedPgDataDir`. */
  readonly databaseUrl: string | undefined;
  readonly embeddedPgPort: number;
  readonly embeddedPgDataDir: string;
  readonly dbPoolMax: number;
  readonly longPollTimeoutMs: number;
  readonly maxCollectorsPerIspb: number;
  readonly streamIdleTimeoutS: number;
  readonly expiryCheckIntervalS: number;
  readonly generateSyncMax: number;
  readonly jobsEnabled: boolean;
  /** Acknowledged messages older than this (hours, decimals allowed) are deleted by the retention job. */
  readonly retention: RetentionSettings;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
  readonly http: HttpLimits;
  /** The ICOM face's traffic limit per participant; undefined when either key is 0 (no limit). */
  readonly icomBucket: IcomBucket | undefined;
  /** Unset: plain HTTP. */
  readonly tls: TlsSettings | undefined;
  /** Unset (no OTEL_EXPORTER_OTLP_ENDPOINT): no tracing SDK is loaded, and the project's spans are the API's no-ops. */
  readonly tracing: TracingSettings | undefined;
  readonly spi: SpiSettings;
}

/** The SPI between participants (docs/spi.md). */
export interface SpiSettings {
  /** On: the SPI settles on reserve accounts; off: it relays messages as they come and settles nothing. */
  readonly settlement: boolean;
  /** Every reserve account opens with this balance, in cents. */
  readonly openingCents: number;
  /** An instruction not settled this long after its acceptance is rejected AB03. */
  readonly timeoutS: number;
  /** How often the deadline job looks for instructions past their deadline. */
  readonly deadlineCheckIntervalS: number;
}

/**
 * A token bucket per participant on /api/v1/... (http/icom/traffic-limit.ts).
 * The defaults are the figures of ICOM's manual: 3,750 tokens, 750 more each
 * second. Each request costs one token (the real interface counts requests).
 */
export interface IcomBucket {
  /** Tokens a full bucket holds: the largest burst. */
  readonly capacity: number;
  /** Tokens added per second, up to the capacity: the sustained rate. */
  readonly refillPerS: number;
}

/**
 * HTTPS, optionally mutual. The files are read (and checked) once at start,
 * so a wrong path or a key of another certificate stops the process with the
 * key's name instead of failing at the first handshake.
 */
export interface TlsSettings {
  /** PEM: the server's certificate, optionally followed by its intermediates. */
  readonly cert: string;
  /** PEM: its private key, unencrypted. */
  readonly key: string;
  /** PEM: the CA(s) that sign participants' client certificates. Set: every connection must present one. */
  readonly clientCa: string | undefined;
}

/** Where traces go: an OTLP/HTTP collector (Jaeger, the OpenTelemetry Collector, ...). */
export interface TracingSettings {
  /** Base URL as in the OpenTelemetry spec's OTEL_EXPORTER_OTLP_ENDPOINT; spans are POSTed to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** service.name of every span. */
  readonly serviceName: string;
}

/** What the retention job (jobs/drop-acknowledged.ts, stream/retention.ts) deletes, and how often. */
export interface RetentionSettings {
  /** Age, in hours, past which acknowledged messages, their iterations and ended streams are deleted. */
  readonly hours: number;
  /** Iterations per delete transaction (about 10 messages each). */
  readonly batch: number;
  /** Seconds between runs. */
  readonly intervalS: number;
}

/** Limits of the HTTP server, sized for long polls on one side and hostile clients on the other. */
export interface HttpLimits {
  /** A request's headers must be complete this long after its first byte (slowloris). */
  readonly headersTimeoutMs: number;
  /** A request, body included, must be received whole within this (a body shorter than declared). Answers are not limited by it: long polls wait after the request is in. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. Above a load balancer's own idle timeout, so it never reuses a socket we are closing. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections per process; one more is answered 503 and closed. Each waiting long poll holds one. */
  readonly maxConnections: number;
  /** Largest request head (request line and headers), in bytes; above it 431. */
  readonly maxHeaderBytes: number;
}

/** Either key at 0 turns the limit off; both are checked either way, so a typo still stops the start. */
function icomBucket(env: Env): IcomBucket | undefined {
  const capacity = integer(env, 'ICOM_BUCKET_CAPACITY', 3750, 0, 1_000_000);
  const refillPerS = integer(env, 'ICOM_BUCKET_REFILL_PER_S', 750, 0, 1_000_000);
  return capacity === 0 || refillPerS === 0 ? undefined : Object.freeze({ capacity, refillPerS });
}

/** TLS_CERT + TLS_KEY, optionally TLS_CLIENT_CA; any other combination is refused rather than silently served over plain HTTP. */
function tlsSettings(env: Env): TlsSettings | undefined {
  const certPem = pemFile(env, 'TLS_CERT');
  const keyPem = pemFile(env, 'TLS_KEY');
  const clientCa = pemFile(env, 'TLS_CLIENT_CA');
  if (certPem === undefined && keyPem === undefined) {
    if (clientCa !== undefined) throw new ConfigError('TLS_CLIENT_CA needs TLS_CERT and TLS_KEY: client certificates are only asked for over HTTPS');
    return undefined;
  }
  if (certPem === undefined) throw new ConfigError('TLS_CERT must be set when TLS_KEY is (the server certificate that key belongs to)');
  if (keyPem === undefined) throw new ConfigError('TLS_KEY must be set when TLS_CERT is (the private key of that certificate)');
  const serverCert = certificate('TLS_CERT', certPem);
  let privateKey;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (err) {
    throw new ConfigError(`TLS_KEY holds no readable unencrypted PEM private key (${(err as Error).message})`);
  }
  if (!serverCert.checkPrivateKey(privateKey)) throw new ConfigError('TLS_KEY is not the private key of the certificate in TLS_CERT');
  // OpenSSL only accepts a CA:TRUE certificate as an issuer: a leaf here would refuse every participant at the handshake.
  if (clientCa !== undefined && !certificate('TLS_CLIENT_CA', clientCa).ca) {
    throw new ConfigError('TLS_CLIENT_CA must be a CA certificate (basicConstraints CA:TRUE), not a participant\'s own');
  }
  return Object.freeze({ cert: certPem, key: keyPem, clientCa });
}

function tracingSettings(env: Env): TracingSettings | undefined {
  // OTLP over HTTP (the only exporter loaded).
  const endpoint = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http', 'https'], 'http://jaeger:4318');
  if (!endpoint) return undefined;
  return Object.freeze({ endpoint, serviceName: env.OTEL_SERVICE_NAME || 'pix-stream' });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;


/** Iterations (about 10 messages each) per retention transaction: stream/retention.ts has the measurements behind 100. */
export const RETENTION_BATCH_DEFAULT = 100;
export function loadConfig(env: Env = process.env): Config {
  const config: Config = {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql'], 'postgres://user:password@host:5432/database'),
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    embeddedPgDataDir: env.EMBEDDED_PG_DATA_DIR || '.data/postgres',
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 2, 500),
    longPollTimeoutMs: integer(env, 'LONG_POLL_TIMEOUT_MS', 8000, 0, 120_000),
    maxCollectorsPerIspb: integer(env, 'MAX_COLLECTORS_PER_ISPB', 6, 1, 1000),
    streamIdleTimeoutS: integer(env, 'STREAM_IDLE_TIMEOUT_S', 60, 1, 86_400),
    expiryCheckIntervalS: integer(env, 'EXPIRY_CHECK_INTERVAL_S', 5, 1, 3600),
    generateSyncMax: integer(env, 'GENERATE_SYNC_MAX', 100_000, 1, 10_000_000),
    jobsEnabled: oneOf(env, 'JOBS', 'on', ['on', 'off'] as const) === 'on',
    retention: Object.freeze({
      // Up to ten years; 0.005 h (18 s) is as legitimate as 168 h: a soak test ages rows in seconds.
      hours: decimal(env, 'RETENTION_HOURS', 168, 0, 87_600),
      batch: integer(env, 'RETENTION_BATCH', RETENTION_BATCH_DEFAULT, 1, 100_000),
      intervalS: integer(env, 'RETENTION_INTERVAL_S', 60, 1, 86_400),
    }),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    http: Object.freeze({
      headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
      keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000),
      maxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', 4096, 1, 1_000_000),
      maxHeaderBytes: integer(env, 'HTTP_MAX_HEADER_BYTES', 16_384, 1024, 1_048_576),
    }),
    icomBucket: icomBucket(env),
    tls: tlsSettings(env),
    tracing: tracingSettings(env),
    spi: Object.freeze({
      settlement: oneOf(env, 'SPI_SETTLEMENT', 'on', ['on', 'off'] as const) === 'on',
      openingCents: cents(env, 'SPI_OPENING_BALANCE', 100_000_000),
      timeoutS: integer(env, 'SPI_SETTLEMENT_TIMEOUT_S', 40, 1, 86_400),
      deadlineCheckIntervalS: integer(env, 'SPI_DEADLINE_CHECK_INTERVAL_S', 1, 1, 3600),
    }),
  };
  // A collector in a long poll is not idle: expiring it mid-wait would take its batch away.
  if (config.streamIdleTimeoutS * 1000 <= config.longPollTimeoutMs) {
    throw new ConfigError(
      `STREAM_IDLE_TIMEOUT_S (${config.streamIdleTimeoutS}s) must be longer than LONG_POLL_TIMEOUT_MS (${config.longPollTimeoutMs}ms)`,
    );
  }
  if (config.http.requestTimeoutMs < config.http.headersTimeoutMs) {
    throw new ConfigError(
      `HTTP_REQUEST_TIMEOUT_MS (${config.http.requestTimeoutMs}) must not be shorter than HTTP_HEADERS_TIMEOUT_MS (${config.http.headersTimeoutMs})`,
    );
  }
  return Object.freeze(config);
}
