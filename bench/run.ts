/**
 * `npm run bench`: one run of every measurement against a fresh database and
 * the API as a child process; prints a table, writes bench/results/latest.json.
 *
 *  0 environment, PostgreSQL, bench database, API     (harness.ts)
 *  1 generation rate, sync and async; its ceiling     (generation-rate.ts, sql-ceilings.ts)
 *  2 drain, 6 collectors, multipart, Node's fetch     (drain-throughput.ts)
 *  3 raw claim ceiling, pgbench or node loop          (raw-ceiling.ts)
 *    the same drain with identity answers, by the client library and by the CLI (client-drains.ts);
 *    then the ICOM drains the same four ways, gzip's cost, ICOM inbound, the SPI's
 *    settlement and its ceiling, the capacity rehearsal's rates
 *                              (gzip-cost.ts, inbound-rate.ts, settlement-rate.ts, rehearsal-rate.ts)
 *  4 single-claim ceilings; drains of single messages, 1 and 6 collectors
 *  5 insert -> delivery latency                       (delivery-latency.ts)
 *  6 idle cost of waiting long polls                  (idle-cost.ts)
 *  7 the flow's SQL ceiling; many ISPBs: 600 long polls, highest inflow held
 *                                                     (sql-ceilings.ts, many-ispbs.ts)
 *  8 claim latency, empty vs 2M delivered rows         (claim-latency.ts)
 *  9 pix-stream statement ceiling without HTTP         (db-ceiling.ts)
 * 10 ICOM token bucket statement, per call             (token-bucket.ts)
 *    retention with 10M acknowledged rows; 10-min soak  (retention.ts, soak.ts)
 * 11 table and JSON                                    (report.ts)
 *
 * Every speed target is a ratio of two figures of the same run: a drain or an
 * inflow over the ceiling of its SQL work on the same server (pgbench), or
 * pix-stream's own clients over Node's fetch. `npm run bench -- --only
 * raw-ceiling,many-ispbs` (or BENCH_STEPS=...) runs only those steps (a ratio
 * is printed when both of its steps ran); each ceiling runs right after the
 * figure it judges, so the two see the tables in nearly the same state.
 *
 * Exit status: 0 when every step ran and every exactly-once check held (a
 * missed performance target is a FAIL in the table, not an error); 1 otherwise.
 */
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../src/lib/paths.js';
import { benchDatabase } from './claim-transaction.js';
import { measureClaimLatency } from './claim-latency.js';
import { cpu } from './cpu-split.js';
import { measureCeiling } from './db-ceiling.js';
import { measureDeliveryLatency } from './delivery-latency.js';
import { auditIspb, maintenanceRuns, measureDrain, type DrainResult } from './drain-throughput.js';
import { measureCliDrain, measureLibraryDrain } from './client-drains.js';
import { measureFlowCeiling, measureInsertCeiling, measureSingleCeiling } from './sql-ceilings.js';
import { measureGeneration, seed, settle } from './generation-rate.js';
import { API_ENV, Harness, machine } from './harness.js';
import { FetchClient, HttpClient, type Requester } from './http-client.js';
import { measureIdleCost } from './idle-cost.js';
import { measureManyIspbs } from './many-ispbs.js';
import { measureRawCeiling } from './raw-ceiling.js';
import { cpuLines, printTable, ratios, rows, writeJson, type Results } from './report.js';
import { progress, round } from './stats.js';
import { measureTokenBucket } from './token-bucket.js';
import { measureRetention } from './retention.js';
import { measureSoak } from './soak.js';
import { measureGzipCost } from './gzip-cost.js';
import { measureInboundRate } from './inbound-rate.js';
import { measureSettlementRate } from './settlement-rate.js';
import { measureRehearsalRate } from './rehearsal-rate.js';
import { withTimeSplit } from './time-split.js';

/** One fresh ISPB per step, so no step sees another's messages or streams. */
const ISPB = {
  generation: '91000001',
  insertCeiling: '91000002',
  drainMultipart: '92000001',
  drainMultipartIdentity: '92000002',
  drainLibrary: '92000003',
  drainCli: '92000004',
  drainIcom: '92100001',
  drainIcomIdentity: '92100002',
  drainIcomLibrary: '92100003',
  drainIcomCli: '92100004',
  inboundPayer: '92200001',
  inboundReceiver: '92200002',
  drainSingle: '93000001',
  drainSingleSix: '93100001',
  singleCeiling: '93200001',
  delivery: '94000001',
  idle: Array.from({ length: 100 }, (_, i) => String(95_000_000 + i)),
  claim: '96000001',
  ceiling: '97000001',
  rawCeiling: '97100001',
  retention: { history: '99100001', claim: '99100002', drainBefore: '99100003', drainAfter: '99100004' },
  soak: '99200001',
  /** The first of BENCH_MANY_ISPBS consecutive ISPBs. */
  manyIspbs: 98_000_000,
  /** The first of the flow ceiling's 100 ISPBs (the one before it holds its sample message). */
  flowCeiling: 96_500_000,
  /** The first of the rehearsal step's participants under test, one per rate. */
  rehearsal: 96_800_000,
};
/** BENCH_DRAIN_MESSAGES: fewer for a quick trial (every multipart drain seeds this many). */
const DRAIN_MULTIPART = Number(process.env.BENCH_DRAIN_MESSAGES ?? 300_000);
const DRAIN_SINGLE = 20_000;
/** ~10 s at the 5,000 msg/s target. */
const DRAIN_SINGLE_SIX = 60_000;

/** Step names, in run order, for --only / BENCH_STEPS. */
const STEPS = [
  'generation', 'insert-ceiling',
  'drain-multipart', 'raw-ceiling', 'drain-multipart-identity', 'drain-library', 'drain-cli',
  'drain-icom', 'drain-icom-identity', 'drain-icom-library', 'drain-icom-cli',
  'gzip', 'inbound', 'settlement', 'rehearsal',
  'single-ceiling', 'drain-single', 'drain-single-6', 'delivery', 'idle',
  'flow-ceiling', 'many-ispbs', 'claim', 'ceiling', 'bucket', 'retention', 'soak',
];

/** `--only a,b` (npm run bench -- --only a,b), else BENCH_STEPS=a,b, else every step. */
function selectedSteps(argv: string[]): string[] | undefined {
  const at = argv.indexOf('--only');
  const list = at >= 0 ? argv[at + 1] : argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length) ?? process.env.BENCH_STEPS;
  if (list === undefined) return undefined;
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !STEPS.includes(name));
  if (names.length === 0 || unknown.length > 0) throw new Error(`unknown step(s) "${unknown.join(',') || list}"; steps: ${STEPS.join(', ')}`);
  return names;
}

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

  const only = selectedSteps(process.argv.slice(2));
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
    // The collectors whose speed is measured: Node's fetch with its default headers (gzip answers), and asking for identity.
    const fetchGzip = new FetchClient(harness.apiUrl);
    const fetchIdentity = new FetchClient(harness.apiUrl, 'identity');
    const auditDb = benchDatabase(harness.databaseUrl, 1);
    harness.onCleanup('close audit pool', () => auditDb.close());
    const cliDb = new pg.Client({ connectionString: harness.databaseUrl, application_name: 'pix-bench-monitor' });
    await cliDb.connect();
    harness.onCleanup('close the CLI drain watcher', () => cliDb.end());
    type Face = 'challenge' | 'icom';
    /** Seeds `ispb`, settles the seeded rows, drains them with `drainer`, and audits the ISPB's messages in the database. */
    const drainWith = async (ispb: string, count: number, drainer: () => Promise<DrainResult>) => {
      await seed(http, ispb, count);
      await settle(auditDb);
      const vacuumsBefore = await maintenanceRuns(auditDb);
      const { result: drain, split } = await withTimeSplit(harness.adminUrl, harness.apiUrl, drainer);
      drain.timeSplit = split;
      drain.autovacuumRuns = (await maintenanceRuns(auditDb)) - vacuumsBefore;
      drain.audit = await auditIspb(auditDb, ispb);
      drain.ok &&= drain.audit.acked === count && drain.audit.pending === 0 && drain.audit.inFlight === 0;
      return drain;
    };
    const seededDrain = (ispb: string, count: number, collectors: number, multipart: boolean, face: Face = 'challenge', client: Requester = fetchGzip) =>
      drainWith(ispb, count, () => measureDrain(client, ispb, count, collectors, multipart, face));
    const libraryDrain = (ispb: string, face: Face) =>
      drainWith(ispb, DRAIN_MULTIPART, () => measureLibraryDrain(harness.apiUrl, ispb, DRAIN_MULTIPART, 6, face));
    const cliDrain = (ispb: string, face: Face) =>
      drainWith(ispb, DRAIN_MULTIPART, () => measureCliDrain(cliDb, harness.apiUrl, ispb, DRAIN_MULTIPART, 6, face));

    results.generation = await step('generation', () => measureGeneration(http, ISPB.generation));
    results.insertCeiling = await step('insert-ceiling', () => measureInsertCeiling(http, harness.databaseUrl, ISPB.insertCeiling));
    results.drainMultipart = await step('drain-multipart', () => {
      progress(`drain: seeding ${DRAIN_MULTIPART} messages for ${ISPB.drainMultipart}`);
      return seededDrain(ISPB.drainMultipart, DRAIN_MULTIPART, 6, true);
    });
    results.rawCeiling = await step('raw-ceiling', () => measureRawCeiling(http, harness.databaseUrl, ISPB.rawCeiling));
    results.drainMultipartIdentity = await step('drain-multipart-identity', () =>
      seededDrain(ISPB.drainMultipartIdentity, DRAIN_MULTIPART, 6, true, 'challenge', fetchIdentity),
    );
    results.drainLibrary = await step('drain-library', () => libraryDrain(ISPB.drainLibrary, 'challenge'));
    results.drainCli = await step('drain-cli', () => cliDrain(ISPB.drainCli, 'challenge'));
    // The same drains through the ICOM face: pacs.008 XML as multipart/mixed parts instead of a JSON array.
    results.drainIcom = await step('drain-icom', () => seededDrain(ISPB.drainIcom, DRAIN_MULTIPART, 6, true, 'icom'));
    results.drainIcomIdentity = await step('drain-icom-identity', () => seededDrain(ISPB.drainIcomIdentity, DRAIN_MULTIPART, 6, true, 'icom', fetchIdentity));
    results.drainIcomLibrary = await step('drain-icom-library', () => libraryDrain(ISPB.drainIcomLibrary, 'icom'));
    results.drainIcomCli = await step('drain-icom-cli', () => cliDrain(ISPB.drainIcomCli, 'icom'));
    results.gzip = await step('gzip', () => measureGzipCost(harness.databaseUrl));
    results.inbound = await step('inbound', () => measureInboundRate(harness.apiUrl, ISPB.inboundPayer, ISPB.inboundReceiver));
    results.settlement = await step('settlement', () => measureSettlementRate(harness.apiUrl, harness.databaseUrl));
    results.rehearsal = await step('rehearsal', () => measureRehearsalRate(harness.apiUrl, ISPB.rehearsal));
    results.singleCeiling = await step('single-ceiling', () => measureSingleCeiling(http, harness.databaseUrl, ISPB.singleCeiling));
    results.drainSingle = await step('drain-single', () => seededDrain(ISPB.drainSingle, DRAIN_SINGLE, 1, false));
    results.drainSingleSix = await step('drain-single-6', () => seededDrain(ISPB.drainSingleSix, DRAIN_SINGLE_SIX, 6, false));
    results.deliveryLatency = await step('delivery', () => measureDeliveryLatency(http, ISPB.delivery, 200));
    results.idleCost = await step('idle', () => measureIdleCost(http, harness, ISPB.idle));
    results.flowCeiling = await step('flow-ceiling', () => measureFlowCeiling(http, harness.databaseUrl, ISPB.flowCeiling));
    results.manyIspbs = await step('many-ispbs', () => measureManyIspbs(http, harness, harness.apiPid, ISPB.manyIspbs));
    results.claimLatency = await step('claim', () => measureClaimLatency(http, harness.databaseUrl, ISPB.claim));
    results.ceiling = await step('ceiling', () => measureCeiling(http, harness.databaseUrl, ISPB.ceiling));
    results.tokenBucket = await step('bucket', () => measureTokenBucket(harness.databaseUrl));
    results.retention = await step('retention', () => measureRetention(http, harness.databaseUrl, ISPB.retention));
    // Half the sustainable inflow: the rate the many-ISPBs step confirmed for 60 s, when it ran. Half the retention
    // step's drain, 3,290 msg/s, was not sustainable: posting costs more than draining, and the backlog grew.
    const soakRate = results.manyIspbs?.confirmedRate ? Math.round(results.manyIspbs.confirmedRate / 2) : undefined;
    results.soak = await step('soak', () => measureSoak(harness, ISPB.soak, soakRate));
    results.ratios = ratios(results);
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
  const raw = results.rawCeiling;
  if (raw) {
    notes.push(`raw claim (${raw.toolVersion}), plan in the seeded state: ${raw.planBefore.line}`, `raw claim plan after the run: ${raw.planAfter.line}`, '');
  }
  const many = results.manyIspbs;
  if (many) {
    notes.push(`many ISPBs, post -> delivery = ${many.latencyMeasure}; db clock - bench clock = ${many.clock.offsetMs} ms ± ${many.clock.uncertaintyMs} ms`, '');
  }
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
  const manyProbes = [...(results.manyIspbs?.probes ?? []), ...(results.manyIspbs?.confirmations ?? [])];
  const checksHeld =
    [
      results.drainMultipart, results.drainMultipartIdentity, results.drainLibrary, results.drainCli,
      results.drainIcom, results.drainIcomIdentity, results.drainIcomLibrary, results.drainIcomCli,
      results.drainSingle, results.drainSingleSix,
    ].every((drain) => drain?.ok !== false) &&
    manyProbes.every((probe) => probe.duplicates === 0) &&
    results.settlement?.ok !== false;
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
