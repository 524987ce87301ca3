/**
 * What the benchmark runs on: the machine, a PostgreSQL (DATABASE_URL, or a
 * fresh durable embedded cluster), a freshly migrated `pix_stream_bench`
 * database, and the API as a child process (`node dist/src/main.js`).
 * Every start registers its undo; `cleanup()` runs them in reverse, once.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { projectRoot } from '../src/lib/paths.js';
import { prepareDatabase } from '../testkit/database.js';
import { freePort } from '../testkit/free-port.js';
import { sleep } from './http-client.js';
import { progress } from './stats.js';

export const BENCH_DATABASE = 'pix_stream_bench';

export const API_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  JOBS: 'on',
  DB_POOL_MAX: '20',
  LONG_POLL_TIMEOUT_MS: '30000',
  STREAM_IDLE_TIMEOUT_S: '120',
  // The ICOM traffic limit (750 requests/s per participant by default) would cap the ICOM drain at
  // 7,500 msg/s: the drains measure the stream, the bucket step measures the limit's own cost.
  ICOM_BUCKET_CAPACITY: '0',
  // The steps that post credit transfers leave them pending (nobody answers the inbound step's): with the
  // SPI's 40 s, a wave of AB03 timeouts would run through the steps after them. The settlement step's ceiling
  // needs its instructions pending while it waits its turn, too.
  SPI_SETTLEMENT_TIMEOUT_S: '86400',
};

export interface Environment {
  cpuModel: string;
  cores: number;
  totalMemoryGiB: number;
  osRelease: string;
  platform: string;
  node: string;
  postgres?: string;
  postgresSource?: 'embedded' | 'DATABASE_URL';
  loadAverageBefore: number[];
  loadAverageAfter?: number[];
}

export function machine(): Environment {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    osRelease: os.release(),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    loadAverageBefore: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}


export class Harness {
  private readonly undo: { name: string; run: () => Promise<void> }[] = [];
  private cleaning: Promise<void> | undefined;
  /** Admin connection string (any database on the server), and the bench database's. */
  adminUrl = '';
  databaseUrl = '';
  apiUrl = '';
  apiOutput = '';
  apiPid: number | undefined;
  private readonly apiStops = new Map<number, () => Promise<void>>();

  onCleanup(name: string, run: () => Promise<void>): void {
    this.undo.push({ name, run });
  }

  cleanup(): Promise<void> {
    this.cleaning ??= (async () => {
      for (const step of this.undo.reverse()) {
        await step.run().catch((err) => process.stderr.write(`cleanup (${step.name}) failed: ${(err as Error).message}\n`));
      }
    })();
    return this.cleaning;
  }

  /**
   * A durable PostgreSQL (DATABASE_URL, else an embedded cluster with the
   * default fsync and synchronous commit) and a fresh migrated bench database
   * on it; returns `SELECT version()`.
   */
  async prepareDatabase(env: Environment): Promise<string> {
    const prepared = await prepareDatabase({ database: BENCH_DATABASE, clusterLabel: 'bench-postgres', onProgress: progress });
    this.onCleanup('release the bench database', () => prepared.release({ dropDatabase: true }));
    this.adminUrl = prepared.adminUrl;
    this.databaseUrl = prepared.url;
    env.postgresSource = prepared.source;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query('SELECT version() AS v')).rows[0].v;
    } finally {
      await client.end();
    }
  }

  /** Starts an API process (`env` on top of API_ENV); the newest one is `apiUrl`/`apiPid`. */
  async startApi(env: Record<string, string> = {}): Promise<void> {
    const port = await freePort();
    // BENCH_API_NODE_ARGS: flags for the API's node only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS).
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, 'dist', 'src', 'main.js')], {
      cwd: projectRoot,
      env: { ...process.env, ...API_ENV, ...env, DATABASE_URL: this.databaseUrl, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.apiPid = child.pid;
    const keep = (chunk: Buffer) => (this.apiOutput = (this.apiOutput + chunk.toString()).slice(-50_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void exited.then(() => (gone = true));
    const stop = async () => {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    };
    this.apiStops.set(child.pid!, stop);
    this.onCleanup('stop API process', stop);
    this.apiUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !gone) {
      try {
        if ((await fetch(`${this.apiUrl}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`API process did not become healthy:\n${this.apiOutput}`);
  }

  /** Stops one API process started by startApi (its cleanup then does nothing). */
  async stopApi(pid: number | undefined): Promise<void> {
    if (pid !== undefined) await this.apiStops.get(pid)?.();
  }

  /** The server's postmaster, when it runs on this machine: the parent of our own backend. */
  async postmasterPid(): Promise<number | undefined> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const backend = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) return undefined;
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined; // a remote server, or no /proc
    } finally {
      await client.end();
    }
  }

  /** Warnings and errors the API logged (LOG_LEVEL=warn), one line each. */
  apiProblems(): string[] {
    return this.apiOutput.split('\n').filter((line) => line.trim().length > 0);
  }
}
