/**
 * Entry point. Order matters for tracing: the OpenTelemetry instrumentations
 * patch express, pg and node:http as they are required, so tracing starts
 * before the server module (whose imports load all three) is required. Above
 * that line only config, the logger and @opentelemetry/api are loaded.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './lib/logger.js';
import { startConfiguredTracing } from './lib/tracing.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`pix-stream: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const tracing = startConfiguredTracing(config.tracing);
  if (config.tracing) logger.info({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName }, 'exporting traces over OTLP/HTTP');
  // require, not a static import: a static import would be hoisted above the tracing start.
  const { startServer } = require('./server.js') as typeof import('./server.js');
  const server = await startServer(config, logger);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    server
      .stop()
      // After the server: the spans of the requests answered during the drain are flushed too.
      .then(() => tracing?.shutdown().catch((err) => logger.warn({ err }, 'flushing traces failed')))
      .then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err) => {
  // A start-up problem with a known remedy reads as one sentence, not a stack trace.
  // Required here, not at the top: the module imports pg, which must load after tracing starts.
  const { StartupError } = require('./db/embedded-postgres.js') as typeof import('./db/embedded-postgres.js');
  if (err instanceof StartupError) console.error(`pix-stream failed to start: ${err.message}`);
  else console.error('pix-stream failed to start:', err);
  process.exit(1);
});
