/** Config validation (no database): defaults, bounds, and messages that name the key. */
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      embeddedPgPort: 54329,
      dbPoolMax: 10,
      longPollTimeoutMs: 8000,
      maxCollectorsPerIspb: 6,
      streamIdleTimeoutS: 60,
      jobsEnabled: true,
      http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 4096, maxHeaderBytes: 16_384 },
      icomBucket: { capacity: 3750, refillPerS: 750 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.icomBucket)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a URL/],
    [{ JOBS: 'maybe' }, /JOBS must be one of on, off/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ STREAM_IDLE_TIMEOUT_S: '5', LONG_POLL_TIMEOUT_MS: '8000' }, /STREAM_IDLE_TIMEOUT_S .* must be longer than LONG_POLL_TIMEOUT_MS/],
    [{ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, /HTTP_REQUEST_TIMEOUT_MS .* must not be shorter than HTTP_HEADERS_TIMEOUT_MS/],
    [{ HTTP_MAX_CONNECTIONS: '0' }, /HTTP_MAX_CONNECTIONS must be between/],
    [{ ICOM_BUCKET_CAPACITY: '-1' }, /ICOM_BUCKET_CAPACITY must be an integer/],
    [{ ICOM_BUCKET_CAPACITY: '2000000' }, /ICOM_BUCKET_CAPACITY must be between 0 and 1000000/],
    [{ ICOM_BUCKET_REFILL_PER_S: '7.5' }, /ICOM_BUCKET_REFILL_PER_S must be an integer/],
    // Off does not skip the check: a typo in the other key still stops the start.
    [{ ICOM_BUCKET_CAPACITY: '0', ICOM_BUCKET_REFILL_PER_S: 'fast' }, /ICOM_BUCKET_REFILL_PER_S must be an integer/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must start with http:\/\/ or https:\/\//],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/],
  ])('%j is refused with a message naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{ ICOM_BUCKET_CAPACITY: '0' }],
    [{ ICOM_BUCKET_REFILL_PER_S: '0' }],
  ])('%j turns the ICOM traffic limit off', (env) => {
    expect(loadConfig(env).icomBucket).toBeUndefined();
  });

  it('tracing: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; OTEL_SERVICE_NAME defaults to pix-stream', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: 'x' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }).tracing).toEqual({ endpoint: 'http://jaeger:4318', serviceName: 'pix-stream' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example:4318', OTEL_SERVICE_NAME: 'pix-stream-b' }).tracing).toEqual({
      endpoint: 'https://otel.example:4318',
      serviceName: 'pix-stream-b',
    });
  });

  it('takes the environment as given', () => {
    const config = loadConfig({ PORT: '0', DATABASE_URL: 'postgres://u@h:5432/d', JOBS: 'off', HTTP_MAX_CONNECTIONS: '10', ICOM_BUCKET_CAPACITY: '20', ICOM_BUCKET_REFILL_PER_S: '10' });
    expect(config).toMatchObject({ port: 0, databaseUrl: 'postgres://u@h:5432/d', jobsEnabled: false, http: { maxConnections: 10 }, icomBucket: { capacity: 20, refillPerS: 10 } });
  });
});
