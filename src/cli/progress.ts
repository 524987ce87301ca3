/**
 * Progress on stderr. On a terminal: one line redrawn in place (\r + clear to
 * end of line) a few times a second. Elsewhere (a pipe, a log file, CI): a
 * plain line now and then, so logs stay readable.
 */

export interface LiveLineOptions {
  /** Renders the current state; called on every tick. */
  render: () => string;
  stream?: NodeJS.WriteStream;
  /** Redraw interval on a terminal. */
  ttyIntervalMs?: number;
  /** Interval of plain lines when not a terminal; 0 for none. */
  plainIntervalMs?: number;
}

export class LiveLine {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(private readonly options: LiveLineOptions) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
  }

  get isTTY(): boolean {
    return this.tty;
  }

  start(): void {
    const interval = this.tty ? (this.options.ttyIntervalMs ?? 250) : (this.options.plainIntervalMs ?? 5000);
    if (interval <= 0) return;
    this.timer = setInterval(() => this.draw(), interval);
    this.timer.unref();
  }

  /** Draws now (on a terminal) or writes a plain line (elsewhere). */
  draw(): void {
    const text = this.options.render();
    if (this.tty) {
      const width = this.stream.columns || 120;
      this.stream.write(`\r${text.slice(0, width - 1)}\x1b[K`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** A message of its own line, without garbling the live line. */
  log(message: string): void {
    this.clear();
    this.stream.write(`${message}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** `[#########...........]  42.0%` */
export function progressBar(done: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%`;
}

/** Messages per second over a sliding window of recent samples (the live rate, not the average). */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  sample(count: number, at = Date.now()): number {
    this.samples.push({ at, count });
    while (this.samples.length > 2 && at - this.samples[0].at > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const seconds = (at - first.at) / 1000;
    return seconds > 0 ? (count - first.count) / seconds : 0;
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? formatCount(perSecond) : perSecond.toFixed(1);
}

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)} s`;
  const minutes = Math.floor(s / 60);
  return `${minutes} min ${(s - minutes * 60).toFixed(0)} s`;
}
