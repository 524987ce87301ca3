/**
 * The data-access edge: an outage (the database down, restarting, out of
 * connections, a lock or statement timeout) becomes DatabaseUnavailable with
 * the driver's error as `cause`; every other error passes through unchanged.
 */

/** How long a client should wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_S = 2;

export class DatabaseUnavailable extends Error {
  readonly retryAfterS = DATABASE_RETRY_AFTER_S;
  constructor(options: { cause: unknown }) {
    super('The database is unavailable; retry shortly', options);
    this.name = 'DatabaseUnavailable';
  }
}

// SQLSTATE classes and codes that mean "the database is not there right now",
// as opposed to a bug in a statement.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovery)
  '53300', // too_many_connections
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
]);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /connection is not queryable/i,
  /Client was closed and is not queryable/i,
];

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  parent?: unknown;
  original?: unknown;
  cause?: unknown;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors come from Node's own realm.
  if (typeof err !== 'object' || err === null) return false;
  const { name, message, code, parent, original, cause } = err as ErrorLike;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNAVAILABLE_NODE_CODES.has(code)) return true;
  }
  // Sequelize wraps driver errors; its connection errors all carry these names.
  if (typeof name === 'string' && /^Sequelize(Connection|HostNotReachable)/.test(name)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  return [parent, original, cause].some((inner) => inner !== err && isDatabaseUnavailable(inner));
}

/** Runs a database call, translating its failure at the data-access edge (pg and Sequelize alike). */
export async function translatingErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translateDatabaseError(err);
  }
}

/** Translate at the data-access edge: an outage becomes DatabaseUnavailable, everything else stays as it is. */
export function translateDatabaseError(err: unknown): unknown {
  if (err instanceof DatabaseUnavailable || !isDatabaseUnavailable(err)) return err;
  return new DatabaseUnavailable({ cause: err });
}
