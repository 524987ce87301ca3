/**
 * One dedicated LISTEN connection per process (a pool client cannot LISTEN:
 * it is handed to others between queries). On any connection loss it
 * reconnects with capped, jittered backoff, and after each (re)connect calls
 * `onConnect`, because notifications sent while it was away are gone.
 */
import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface ListenerOptions {
  connectionString: string;
  channel: string;
  logger: Logger;
  onNotify(payload: string): void;
  onConnect(): void;
}

export interface Listener {
  readonly connected: boolean;
  stop(): Promise<void>;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

export function startListener(options: ListenerOptions): Listener {
  const { connectionString, channel, logger } = options;
  let client: pg.Client | undefined;
  let connected = false;
  let stopped = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** attempt);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, backoff / 2 + Math.random() * (backoff / 2));
  };

  const lost = (current: pg.Client, err?: Error) => {
    if (client !== current) return;
    client = undefined;
    if (connected) logger.warn({ reason: err?.message }, 'LISTEN connection lost; reconnecting');
    connected = false;
    current.end().catch(() => undefined);
    scheduleReconnect();
  };

  const connect = async () => {
    const current = new pg.Client({ connectionString, keepAlive: true, application_name: 'pix-stream-listen' });
    client = current;
    current.on('error', (err) => lost(current, err));
    current.on('end', () => lost(current));
    current.on('notification', (message) => {
      if (message.channel === channel && message.payload) options.onNotify(message.payload);
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (stopped || client !== current) return void current.end().catch(() => undefined);
      connected = true;
      attempt = 0;
      logger.debug({ channel }, 'listening');
      options.onConnect();
    } catch (err) {
      lost(current, err as Error);
    }
  };

  void connect();

  return {
    get connected() {
      return connected;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      connected = false;
      await current?.end().catch(() => undefined);
    },
  };
}
