/**
 * Where the API's CPU went during one timed section of a bench run, from a
 * V8 CPU profile of the API process:
 *
 *   BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node dist/bench/run.js --only drain-multipart
 *   node dist/bench/profile-split.js /tmp/prof/<file>.cpuprofile bench/results/latest.json "drain challenge"
 *
 * The section (the first of latest.json's cpuPercentOfOneCore whose name
 * contains the third argument) gives a window on the machine's monotonic
 * clock (cpu-split.ts), the clock of the profile's timestamps; only samples
 * inside it count. Self time is summed by area (zlib, pg, Express, node's
 * HTTP and streams, pix-stream's own src/, garbage collection, ...) and by
 * function, and divided by the messages that section delivered, when the
 * results name them (a drain's unique messages). flame-graph.ts draws the same
 * samples with its helpers (readProfile, findSection, samplesIn, areaOf).
 */
import { readFileSync } from 'node:fs';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

/** What a drain's result says of itself (drain-throughput.ts), enough to find its section. */
interface DrainOfSection {
  client: string;
  face: string;
  collectors: number;
  multipart: boolean;
  unique: number;
}

export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The parts of bench/results/latest.json read here. */
export interface BenchResults {
  cpuPercentOfOneCore: Record<string, { monotonicUs?: [number, number] }>;
  results: Record<string, Partial<DrainOfSection> | undefined>;
}

export function readProfile(file: string): Profile {
  return JSON.parse(readFileSync(file, 'utf8')) as Profile;
}

export function readResults(file: string): BenchResults {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
}

/** The first section whose name contains `sectionName`, and its window on the monotonic clock (µs). */
export function findSection(results: BenchResults, sectionName: string, resultsFile: string): { name: string; window: [number, number] } {
  const name = Object.keys(results.cpuPercentOfOneCore).find((key) => key.includes(sectionName));
  const window = name ? results.cpuPercentOfOneCore[name].monotonicUs : undefined;
  if (!name || !window) throw new Error(`no section with a window matching "${sectionName}" in ${resultsFile}`);
  return { name, window };
}

/**
 * Each sample's node id and time delta (µs), its timestamp being startTime plus the deltas so
 * far (the clock of a section's window); only those inside `window` when one is given.
 */
export function samplesIn(profile: Profile, window?: [number, number]): { id: number; delta: number }[] {
  const inside: { id: number; delta: number }[] = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (!window || (at >= window[0] && at <= window[1])) inside.push({ id, delta });
  });
  return inside;
}

const AREAS: [string, RegExp][] = [
  ['zlib', /(^|\/)zlib(\.js)?$|node:zlib/],
  ['pg driver', /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-\w+)\//],
  ['express', /node_modules\/(express|router|body-parser|finalhandler|send|path-to-regexp|on-finished|qs)\//],
  ['pino and prom-client', /node_modules\/(pino|prom-client|sonic-boom)\//],
  ['node http', /node:_http|node:http\b/],
  ['node net and streams', /node:(net|stream|internal\/streams|_stream|internal\/stream_base_commons|events|internal\/net)/],
  ['node other', /^node:/],
  ['pix-stream src', /\/dist\/src\//],
  ['other packages', /node_modules\//],
];

export function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 and native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  return AREAS.find(([, pattern]) => pattern.test(url))?.[0] ?? 'other';
}

function main(): void {
  const [profileFile, resultsFile, sectionName] = process.argv.slice(2);
  if (!profileFile || !resultsFile || !sectionName) {
    process.stderr.write('usage: profile-split <profile.cpuprofile> <latest.json> <section name or part of it>\n');
    process.exit(2);
  }
  const profile = readProfile(profileFile);
  const results = readResults(resultsFile);
  const { name, window } = findSection(results, sectionName, resultsFile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  samplesIn(profile, window).forEach(({ id, delta }) => {
    const node = byId.get(id)!;
    const area = areaOf(node);
    if (area === 'idle') return;
    total += delta;
    areas.set(area, (areas.get(area) ?? 0) + delta);
    const where = node.callFrame.url ? `${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '')}:${node.callFrame.lineNumber + 1}` : '';
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
  });
  // A drain of this section: its messages (a section's name carries the drain's face and client).
  const drains = Object.values(results.results).filter((r): r is DrainOfSection => typeof r?.unique === 'number' && typeof r.client === 'string');
  const drain = drains.find((r) => name.startsWith(`drain ${r.face} ${r.collectors}x ${r.multipart ? 'multipart' : 'single'} (${r.client}`));
  const wallS = (window[1] - window[0]) / 1e6;
  const perMessage = (us: number) => (drain ? `  ${(us / drain.unique).toFixed(1).padStart(6)} µs/msg` : '');
  const line = (label: string, us: number) => `${label.padEnd(70)} ${(us / 1e3).toFixed(0).padStart(7)} ms  ${((us / total) * 100).toFixed(1).padStart(5)} %${perMessage(us)}`;
  const out = [
    `section "${name}": ${wallS.toFixed(2)} s, API on the CPU ${(total / 1e6).toFixed(2)} s (${((total / 1e6 / wallS) * 100).toFixed(0)} % of one core)${drain ? `, ${drain.unique} messages` : ''}`,
    '',
    'by area (self time):',
    ...[...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => line(`  ${area}`, us)),
    '',
    'top functions (self time):',
    ...[...functions].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([fn, us]) => line(`  ${fn.slice(0, 68)}`, us)),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

// Run only as a script: flame-graph.ts imports the helpers above.
if (require.main === module) main();
