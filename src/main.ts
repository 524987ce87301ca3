import { ConfigError, loadConfig } from './config.js';
import { StartupError } from './db/embedded-postgres.js';
import { createLogger } from './lib/logger.js';
import { startServer } from './server.js';

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
  const server = await startServer(config, logger);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    server.stop().then(
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
  if (err instanceof StartupError) console.error(`pix-stream failed to start: ${err.message}`);
  else console.error('pix-stream failed to start:', err);
  process.exit(1);
});
