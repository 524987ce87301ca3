/**
 * Several API processes (JOBS=on, fast expiry and deadlines) on a database of
 * one test file's own, with a pool to read it: for the tests that kill one
 * mid-work and check what the others did.
 */
import pino from 'pino';
import { Database } from '../../src/db/database';
import { startApiProcess, type ApiProcess } from './api-process';
import { ownDatabase, type OwnDatabase } from './own-database';

export const FLEET_ENV = {
  JOBS: 'on',
  SPI_DEADLINE_CHECK_INTERVAL_S: '1',
  STREAM_IDLE_TIMEOUT_S: '2',
  EXPIRY_CHECK_INTERVAL_S: '1',
  LONG_POLL_TIMEOUT_MS: '300',
};

export class Fleet {
  processes: ApiProcess[] = [];
  db!: Database;
  private own!: OwnDatabase;

  constructor(
    private readonly label: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(count: number): Promise<void> {
    this.own = await ownDatabase(this.label);
    this.db = new Database(this.own.url, 2, pino({ level: 'silent' }));
    this.processes = await Promise.all(Array.from({ length: count }, () => this.spawn()));
  }

  /** One more process on the same database. */
  spawn(): Promise<ApiProcess> {
    return startApiProcess({ ...FLEET_ENV, ...this.env, DATABASE_URL: this.own.url });
  }

  /** SIGKILLs process `i` and starts another in its place. */
  async killAndReplace(i: number): Promise<void> {
    this.processes[i]!.child.kill('SIGKILL');
    await this.processes[i]!.exited;
    this.processes[i] = await this.spawn();
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.db?.close();
    await this.own?.release();
  }
}
