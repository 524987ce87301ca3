/**
 * Runs the virtual participants on a process with JOBS=on: drains their
 * streams (inbox.ts), posts their due answers and payments (post.ts), and
 * releases the AB03 reports a late-AB03 fault held back (held-reports.ts). All
 * of its state is in PostgreSQL, claimed with SKIP LOCKED or by lease, so N
 * processes each running a worker do every piece of work once, and a
 * restarted process carries on where the last one stopped.
 *
 * Woken by the wakes of a virtual ISPB (a message for it was stored: here or,
 * through LISTEN, on another process), else it looks again every IDLE_MS, or
 * sooner when an answer or payment falls due. Profiles are read again every
 * REFRESH_MS, so a PUT takes effect within it, and every virtual stream is
 * drained then too, in case a wake was missed.
 */
import type { Database } from '../db/database.js';
import type { InboundService } from '../inbound/service.js';
import type { Logger } from '../lib/logger.js';
import { CollectorLimit } from '../stream/errors.js';
import type { StreamService } from '../stream/service.js';
import type { Waker } from '../stream/wakes.js';
import { releaseHeldReports } from './held-reports.js';
import { drainInbox } from './inbox.js';
import { postDueAnswers, sendDuePayments } from './post.js';
import { parseProfile, type Profile } from './profile.js';
import { nextAnswerDue } from './sql/answers.js';
import { readAllVirtual } from './sql/participants.js';

const IDLE_MS = 250;
const REFRESH_MS = 2000;
/** Even with work due: what is due may be leased to another process. */
const MIN_SLEEP_MS = 5;

export interface VirtualWorkerDeps {
  db: Database;
  streams: StreamService;
  inbound: InboundService;
  waker: Waker;
  logger: Logger;
}

export class VirtualWorker {
  private profiles = new Map<string, Profile>();
  private refreshedAt = 0;
  private readonly poked = new Set<string>();
  private wake: (() => void) | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private nextPaymentAt: number | null = null;

  constructor(private readonly deps: VirtualWorkerDeps) {}

  start(): void {
    this.running = this.loop();
  }

  /** A message for `ispb` was stored: drain its stream now if it is virtual. */
  poke(ispb: string): void {
    if (!this.profiles.has(ispb)) return;
    this.poked.add(ispb);
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let pause = 0;
      try {
        if (!(await this.round())) pause = await this.idleMs();
      } catch (err) {
        // The database gone, say: look again later, as every other job does.
        this.deps.logger.warn({ err }, 'virtual participants: round failed; retrying');
        pause = IDLE_MS;
      }
      if (pause > 0 && !this.stopped) await this.sleep(pause);
    }
  }

  /** One round of every kind of work; whether any was done. */
  private async round(): Promise<boolean> {
    const { db, streams, inbound } = this.deps;
    if (Date.now() - this.refreshedAt >= REFRESH_MS) await this.refresh();
    const inboxes = [...this.poked];
    this.poked.clear();
    let fetched = 0;
    for (const ispb of inboxes) {
      // A stopping process leaves the rest to the others (or to its successor): its stop waits for this round.
      if (this.stopped) return false;
      const profile = this.profiles.get(ispb);
      if (profile) fetched += await drainInbox(db, streams, ispb, profile, () => this.stopped).catch((err) => (err instanceof CollectorLimit ? 0 : Promise.reject(err)));
    }
    if (this.stopped) return false;
    const answered = await postDueAnswers(db, inbound);
    const payments = await sendDuePayments(db, inbound);
    this.nextPaymentAt = payments.nextDueAt;
    const released = await releaseHeldReports(db, this.deps.waker);
    return fetched + answered + payments.sent + released > 0;
  }

  private async refresh(): Promise<void> {
    const rows = await readAllVirtual(this.deps.db);
    this.profiles = new Map(rows.flatMap((row) => {
      try {
        return [[row.ispb, parseProfile(row.profile)] as const];
      } catch (err) {
        this.deps.logger.warn({ err, ispb: row.ispb }, 'virtual participant with an unreadable profile: skipped');
        return [];
      }
    }));
    for (const ispb of this.profiles.keys()) this.poked.add(ispb);
    this.refreshedAt = Date.now();
  }

  private async idleMs(): Promise<number> {
    const due = [await nextAnswerDue(this.deps.db), this.nextPaymentAt].flatMap((d) => (d === null ? [] : [typeof d === 'number' ? d : d.getTime()]));
    const untilDue = Math.min(IDLE_MS, ...due.map((d) => d - Date.now()));
    return Math.max(MIN_SLEEP_MS, Math.min(untilDue, REFRESH_MS - (Date.now() - this.refreshedAt)));
  }

  private sleep(ms: number): Promise<void> {
    if (this.poked.size > 0) return Promise.resolve(); // poked during the round
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
