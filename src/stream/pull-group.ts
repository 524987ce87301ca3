/**
 * Pulls of one face in this process, gathered into groups that each run as one
 * statement (sql/pull-batch.ts). A pull that arrives while fewer than
 * `inFlight` groups are running goes at once, in a group of its own; one that
 * arrives while they all run waits for the next group, which leaves as soon
 * as one of them returns, taking every pull that waited (up to `maxGroup`).
 * No timer: a lone collector's pull waits for nothing, and the busier the
 * process, the larger the groups.
 *
 * A group never names one iteration twice (the statement would claim for it
 * twice): a repeated URI arriving while the first is waiting waits for the
 * group after.
 */
import type { PullRequest, PullResult } from './sql/pull-batch.js';

export type RunPulls = (pulls: readonly PullRequest[]) => Promise<PullResult[]>;

interface WaitingPull {
  request: PullRequest;
  resolve: (result: PullResult) => void;
  reject: (err: unknown) => void;
}

export class PullGroups {
  private waiting: WaitingPull[] = [];
  private running = 0;

  constructor(
    private readonly run: RunPulls,
    private readonly inFlight: number,
    private readonly maxGroup: number,
  ) {}

  pull(request: PullRequest): Promise<PullResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.send();
    });
  }

  private send(): void {
    while (this.running < this.inFlight && this.waiting.length > 0) {
      const group = this.takeGroup();
      this.running += 1;
      this.run(group.map((pull) => pull.request))
        .then(
          (results) => group.forEach((pull, index) => pull.resolve(results[index])),
          (err: unknown) => group.forEach((pull) => pull.reject(err)),
        )
        .finally(() => {
          this.running -= 1;
          this.send();
        });
    }
  }

  /** The longest-waiting pulls, one per iteration, up to maxGroup; the rest wait on. */
  private takeGroup(): WaitingPull[] {
    const group: WaitingPull[] = [];
    const named = new Set<string>();
    const left: WaitingPull[] = [];
    for (const pull of this.waiting) {
      if (group.length < this.maxGroup && !named.has(pull.request.iterationId)) {
        named.add(pull.request.iterationId);
        group.push(pull);
      } else {
        left.push(pull);
      }
    }
    this.waiting = left;
    return group;
  }
}

