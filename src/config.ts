/**
 * The only place that reads process.env. Parsed once at start into a frozen,
 * typed object; a bad value fails fast with a message naming the key.
 */

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
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
  readonly http: HttpLimits;
  /** Unset (no OTEL_EXPORTER_OTLP_ENDPOINT): no tracing SDK is loaded, and the project's spans are the API's no-ops. */
  readonly tracing: TracingSettings | undefined;
}

/** Where traces go: an OTLP/HTTP collector (Jaeger, the OpenTelemetry Collector, ...). */
export interface TracingSettings {
  /** Base URL as in the OpenTelemetry spec's OTEL_EXPORTER_OTLP_ENDPOINT; spans are POSTed to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** service.name of every span. */
  readonly serviceName: string;
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

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${key} must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function postgresUrl(env: Env, key: string): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be a URL like postgres://user:password@host:5432/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${key} must start with postgres:// or postgresql://, got "${url.protocol}"`);
  }
  return raw;
}

function httpUrl(env: Env, key: string): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be a URL like http://jaeger:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${key} must start with http:// or https:// (OTLP over HTTP), got "${url.protocol}"`);
  }
  return raw;
}

function tracingSettings(env: Env): TracingSettings | undefined {
  const endpoint = httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!endpoint) return undefined;
  return Object.freeze({ endpoint, serviceName: env.OTEL_SERVICE_NAME || 'pix-stream' });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const config: Config = {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    embeddedPgDataDir: env.EMBEDDED_PG_DATA_DIR || '.data/postgres',
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 2, 500),
    longPollTimeoutMs: integer(env, 'LONG_POLL_TIMEOUT_MS', 8000, 0, 120_000),
    maxCollectorsPerIspb: integer(env, 'MAX_COLLECTORS_PER_ISPB', 6, 1, 1000),
    streamIdleTimeoutS: integer(env, 'STREAM_IDLE_TIMEOUT_S', 60, 1, 86_400),
    expiryCheckIntervalS: integer(env, 'EXPIRY_CHECK_INTERVAL_S', 5, 1, 3600),
    generateSyncMax: integer(env, 'GENERATE_SYNC_MAX', 100_000, 1, 10_000_000),
    jobsEnabled: oneOf(env, 'JOBS', 'on', ['on', 'off'] as const) === 'on',
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    http: Object.freeze({
      headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
      keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000),
      maxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', 4096, 1, 1_000_000),
      maxHeaderBytes: integer(env, 'HTTP_MAX_HEADER_BYTES', 16_384, 1024, 1_048_576),
    }),
    tracing: tracingSettings(env),
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
