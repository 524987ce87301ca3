/**
 * `npm run bench`: one run of every measurement against a fresh database and
 * the API as a child process; prints a table, writes bench/results/latest.json.
 *
 *  0 environment, PostgreSQL, bench database, API     (harness.ts)
 *  1 generation rate, sync and async                  (generation-rate.ts)
 *  2 drain, 6 collectors, multipart                   (drain-throughput.ts)
 *  3 drain, 1 collector, single message               (drain-throughput.ts)
 *  4 insert -> delivery latency                       (delivery-latency.ts)
 *  5 idle cost of waiting long polls                  (idle-cost.ts)
 *  6 claim latency, empty vs 2M delivered rows         (claim-latency.ts)
 *  7 database ceiling without HTTP                     (db-ceiling.ts)
 *  8 ICOM token bucket statement, per call             (token-bucket.ts)
 *  9 table and JSON                                    (report.ts)
 *
 * Exit status: 0 when every step ran and every exactly-once check held (a
 * missed performance target is a FAIL in the table, not an error); 1 otherwise.
 */
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/lib/paths.js';
import { benchDatabase } from './claim-transaction.js';
import { measureClaimLatency } from './claim-latency.js';
import { cpu } from './cpu-split.js';
import { measureCeiling } from './db-ceiling.js';
import { measureDeliveryLatency } from './delivery-latency.js';
import { auditIspb, maintenanceRuns, measureDrain } from './drain-throughput.js';
import { measureGeneration, seed } from './generation-rate.js';
import { API_ENV, Harness, machine } from './harness.js';
import { HttpClient } from './http-client.js';
import { measureIdleCost } from './idle-cost.js';
import { cpuLines, printTable, rows, writeJson, type Results } from './report.js';
import { progress, round } from './stats.js';
import { measureTokenBucket } from './token-bucket.js';

/** One fresh ISPB per step, so no step sees another's messages or streams. */
const ISPB = {
  generation: '91000001',
  drainMultipart: '92000001',
  drainSingle: '93000001',
  delivery: '94000001',
  idle: Array.from({ length: 100 }, (_, i) => String(95_000_000 + i)),
  claim: '96000001',
  ceiling: '97000001',
};
const DRAIN_MULTIPART = 300_000;
const DRAIN_SINGLE = 20_000;

async function main(): Promise<number> {
  const startedAt = new Date();
  const clock = performance.now();
  const env = machine();
  const harness = new Harness();
  const results: Results = {};
  const errors: Record<string, string> = {};
  const stepSeconds: Record<string, number> = {};

  let interrupted = false;
  const abandon = (why: string, code: number) => {
    interrupted = true;
    process.stderr.write(`\n${why}: stopping the API and PostgreSQL\n`);
    void harness.cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abandon('SIGINT', 130));
  process.on('unhandledRejection', (err) => abandon(`unhandled rejection (${(err as Error)?.stack ?? String(err)})`, 1));

  // BENCH_STEPS=generation,ceiling runs only those steps (names as in stepSeconds); default all.
  const only = process.env.BENCH_STEPS?.split(',').map((name) => name.trim());
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    if (interrupted || (only && !only.includes(name))) return undefined;
    const started = performance.now();
    try {
      return await work();
    } catch (err) {
      errors[name] = (err as Error).message;
      progress(`${name} FAILED: ${(err as Error).stack}`);
      return undefined;
    } finally {
      stepSeconds[name] = round((performance.now() - started) / 1000, 1);
    }
  };

  try {
    env.postgres = await harness.prepareDatabase(env);
    progress(`PostgreSQL: ${env.postgres}`);
    await harness.startApi();
    progress(`API at ${harness.apiUrl}`);
    cpu.configure({ apiPid: harness.apiPid, postmasterPid: await harness.postmasterPid() });
    const http = new HttpClient(harness.apiUrl);
    const auditDb = benchDatabase(harness.databaseUrl, 1);
    harness.onCleanup('close audit pool', () => auditDb.close());

    results.generation = await step('generation', () => measureGeneration(http, ISPB.generation));
    results.drainMultipart = await step('drain-multipart', async () => {
      progress(`drain: seeding ${DRAIN_MULTIPART} messages for ${ISPB.drainMultipart}`);
      await seed(http, ISPB.drainMultipart, DRAIN_MULTIPART);
      const vacuumsBefore = await maintenanceRuns(auditDb);
      const drain = await measureDrain(http, ISPB.drainMultipart, DRAIN_MULTIPART, 6, true);
      drain.autovacuumRuns = (await maintenanceRuns(auditDb)) - vacuumsBefore;
      drain.audit = await auditIspb(auditDb, ISPB.drainMultipart);
      drain.ok &&= drain.audit.acked === DRAIN_MULTIPART && drain.audit.pending === 0 && drain.audit.inFlight === 0;
      return drain;
    });
    results.drainSingle = await step('drain-single', async () => {
      await seed(http, ISPB.drainSingle, DRAIN_SINGLE);
      const vacuumsBefore = await maintenanceRuns(auditDb);
      const drain = await measureDrain(http, ISPB.drainSingle, DRAIN_SINGLE, 1, false);
      drain.autovacuumRuns = (await maintenanceRuns(auditDb)) - vacuumsBefore;
      drain.audit = await auditIspb(auditDb, ISPB.drainSingle);
      drain.ok &&= drain.audit.acked === DRAIN_SINGLE && drain.audit.pending === 0 && drain.audit.inFlight === 0;
      return drain;
    });
    results.deliveryLatency = await step('delivery', () => measureDeliveryLatency(http, ISPB.delivery, 200));
    results.idleCost = await step('idle', () => measureIdleCost(http, harness, ISPB.idle));
    results.claimLatency = await step('claim', () => measureClaimLatency(http, harness.databaseUrl, ISPB.claim));
    results.ceiling = await step('ceiling', () => measureCeiling(http, harness.databaseUrl, ISPB.ceiling));
    results.tokenBucket = await step('bucket', () => measureTokenBucket(harness.databaseUrl));
    if (results.drainMultipart && results.ceiling) {
      results.drainToCeilingRatio = round(results.drainMultipart.messagesPerSecond / results.ceiling.messagesPerSecond, 3);
    }
  } catch (err) {
    errors.setup = (err as Error).message;
    progress(`setup FAILED: ${(err as Error).stack}\n${harness.apiOutput.slice(-4000)}`);
  } finally {
    env.loadAverageAfter = os.loadavg().map((value) => round(value, 2));
    progress('stopping the API and PostgreSQL');
    await harness.cleanup();
  }

  const totalSeconds = round((performance.now() - clock) / 1000, 1);
  const table = rows(results, errors);
  const c = results.claimLatency;
  const notes = c ? [`pull plan with 2M delivered rows, custom : ${c.explain}`, `pull plan with 2M delivered rows, generic: ${c.explainGeneric}`, ''] : [];
  notes.push(...cpuLines(cpu.sections));
  printTable(env, table, notes, totalSeconds);
  process.stdout.write(`step times: ${Object.entries(stepSeconds).map(([name, s]) => `${name} ${s} s`).join(', ')}\n`);
  const apiLog = harness.apiProblems();
  if (apiLog.length > 0) {
    process.stdout.write(`API warnings/errors (${apiLog.length} lines, last 10):\n${apiLog.slice(-10).join('\n')}\n`);
  }
  const file = path.join(projectRoot, 'bench', 'results', 'latest.json');
  writeJson(file, {
    startedAt: startedAt.toISOString(),
    totalSeconds,
    stepSeconds,
    cpuPercentOfOneCore: cpu.sections,
    environment: env,
    apiEnv: API_ENV,
    results,
    table,
    errors,
    apiLogLines: apiLog.slice(-50),
  });
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  const checksHeld = results.drainMultipart?.ok !== false && results.drainSingle?.ok !== false;
  if (interrupted) return 130;
  return Object.keys(errors).length === 0 && checksHeld ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
