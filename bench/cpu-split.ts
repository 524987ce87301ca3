/**
 * Where the CPU went during a timed section, from /proc (Linux): this
 * process (the load generator), the API child, PostgreSQL (postmaster, its
 * live backends, and the reaped ones through the postmaster's child times),
 * and everything else on the machine (other engineers' tests, for instance).
 * Percent of one core: on 2 cores the four add up to at most 200.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

export interface CpuSplit {
  benchPct: number;
  apiPct: number;
  postgresPct: number;
  otherPct: number;
  idlePct: number;
  /**
   * The section's start and end on the machine's monotonic clock, in µs: the clock of a
   * `--cpu-prof` profile's timestamps (BENCH_API_NODE_ARGS), so the API's profile can be cut to it.
   */
  monotonicUs: [number, number];
}

interface Sample {
  at: number;
  monotonicUs: number;
  bench: number;
  api: number;
  postgres: number;
  busy: number;
  idle: number;
}

/** utime + stime (+ cutime + cstime) of a process in seconds; 0 when it is gone. */
function processSeconds(pid: number, withChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    const ticks = Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function machineSeconds(): { busy: number; idle: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return { busy: (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND, idle: (idle + iowait) / TICKS_PER_SECOND };
}

export class CpuMeter {
  private apiPid: number | undefined;
  private postmasterPid: number | undefined;
  readonly available = existsSync('/proc/stat');
  /** Every finished span, by name, in the order they ended. */
  readonly sections: Record<string, CpuSplit> = {};

  configure(pids: { apiPid?: number; postmasterPid?: number }): void {
    this.apiPid = pids.apiPid;
    this.postmasterPid = pids.postmasterPid;
  }

  private sample(): Sample {
    const usage = process.cpuUsage();
    const pm = this.postmasterPid;
    const postgres = pm ? processSeconds(pm, true) + childrenOf(pm).reduce((sum, pid) => sum + processSeconds(pid, false), 0) : 0;
    return {
      at: performance.now(),
      monotonicUs: Number(process.hrtime.bigint() / 1000n),
      bench: (usage.user + usage.system) / 1e6,
      api: this.apiPid ? processSeconds(this.apiPid, true) : 0,
      postgres,
      ...machineSeconds(),
    };
  }

  /** Starts a section; `end()` records (under `name`) and returns the split of the CPU over it. */
  span(name: string): { end(): CpuSplit | undefined } {
    if (!this.available) return { end: () => undefined };
    const start = this.sample();
    return {
      end: () => {
        const stop = this.sample();
        const wall = (stop.at - start.at) / 1000;
        const pct = (seconds: number) => Math.round((seconds / wall) * 100);
        const bench = stop.bench - start.bench;
        const api = stop.api - start.api;
        const postgres = stop.postgres - start.postgres;
        // /proc/stat sums all cores: core-seconds, like the process times.
        const busy = stop.busy - start.busy;
        return (this.sections[name] = {
          benchPct: pct(bench),
          apiPct: pct(api),
          postgresPct: pct(postgres),
          otherPct: Math.max(0, pct(busy - bench - api - postgres)),
          idlePct: pct(stop.idle - start.idle),
          monotonicUs: [start.monotonicUs, stop.monotonicUs],
        });
      },
    };
  }
}

/** One meter for the run; run.ts configures it once the API and PostgreSQL are up. */
export const cpu = new CpuMeter();
