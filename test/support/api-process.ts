/**
 * The API as a separate OS process (node dist/src/main.js), for what an
 * in-process server cannot show: several processes on one database, kill -9,
 * SIGTERM. `npm test` builds dist/ first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../testkit/free-port';
import { TEST_ENV } from './server';

export interface ApiProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  output(): string;
  stop(): Promise<void>;
}

async function waitUntilHealthy(url: string, exited: Promise<unknown>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`API process did not become healthy:\n${output()}`);
}

export async function startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, [path.resolve(__dirname, '../../dist/src/main.js')], {
    env: { ...process.env, ...TEST_ENV, DATABASE_URL: process.env.DATABASE_URL, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(url, exited, () => log);
  return {
    url,
    child,
    exited,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
