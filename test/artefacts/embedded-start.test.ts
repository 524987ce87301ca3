/**
 * `npm start` as root from a private (mode 700) directory, the way /root is.
 * PostgreSQL refuses root, so it runs as user postgres, who cannot traverse
 * such a directory: the embedded server must take its binaries and its
 * cluster from places that user can reach. The built project runs as
 * `node dist/src/main.js` from a hard-linked copy inside a mode-700 directory,
 * with no DATABASE_URL. `npm test` builds dist/ first.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { relocatedDataDir } from '../../src/db/embedded-postgres';
import { freePort } from '../../testkit/free-port';
import { randomIspb } from '../support/factories';

const PROJECT = path.resolve(__dirname, '../..');
const AS_ROOT = process.getuid?.() === 0;
const TITLE = 'npm start as root from a mode-700 directory';

interface Started {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Pids working in `dir` or below it (postgres processes all work in their data dir). */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        return cwd === dir || cwd.startsWith(`${dir}/`);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

async function startFrom(dir: string, env: NodeJS.ProcessEnv): Promise<Started> {
  let log = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  let gone = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((gone = true), resolve(code))));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 120_000; // a first start runs initdb and may copy the binaries
  while (!gone && Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return { url, child, exited, output: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the API never answered /ready with 200:\n${log}`);
}

(AS_ROOT ? describe : describe.skip)(AS_ROOT ? TITLE : `${TITLE} (skipped: only meaningful when run as root, as CI does)`, () => {
  let dir: string | undefined;
  let dataDir: string | undefined;
  let running: Started | undefined;

  afterAll(() => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    if (dataDir) {
      // A server left by a failed run is this test's own: stop it by the pid it recorded.
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}.owner`, { force: true });
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts on an embedded PostgreSQL the postgres user can reach, keeps its data across restarts, and exits 0 on SIGTERM', async () => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'pix-stream-private-')));
    chmodSync(dir, 0o700);
    // Hard links: a copy of node_modules in a second, at a path that really is inside the private directory.
    execFileSync('cp', ['-al', 'dist', 'node_modules', 'migrations', 'package.json', dir], { cwd: PROJECT });
    dataDir = relocatedDataDir(path.join(dir, '.data', 'postgres')); // where the default EMBEDDED_PG_DATA_DIR must go

    const port = await freePort();
    let pgPort = await freePort();
    while (pgPort === port) pgPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info', JOBS: 'off' };
    delete env.DATABASE_URL; // set by the suite's global setup; unset means embedded
    delete env.EMBEDDED_PG_DATA_DIR;

    running = await startFrom(dir, env);
    const started = running.output().split('\n').find((line) => line.includes('embedded PostgreSQL started'));
    expect(started).toBeDefined();
    const { dataDir: usedDataDir, binaries } = JSON.parse(started!) as { dataDir: string; binaries: string };
    expect(usedDataDir).toBe(dataDir);
    expect(binaries.startsWith(`${dir}/`)).toBe(false);
    expect(existsSync(path.join(dir, '.data'))).toBe(false); // nothing half-made left in the private directory
    const ispb = randomIspb();
    expect((await fetch(`${running.url}/api/util/msgs/${ispb}/1`, { method: 'POST' })).status).toBe(201);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(processesIn(dir)).toEqual([]);
    expect(processesIn(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    // A restart finds the same cluster: the message generated before is there.
    running = await startFrom(dir, env);
    expect((await fetch(`${running.url}/api/pix/${ispb}/stream/start`)).status).toBe(200);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(processesIn(dataDir)).toEqual([]);
  }, 240_000);
});
