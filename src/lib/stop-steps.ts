/**
 * What a process has started, stopped in reverse order, each step bounded in
 * time. A step that fails or overruns is logged by name and the next one goes
 * on, so one stuck close (a pool waiting for a client, a worker's round) never
 * leaves the steps after it running: pg-boss's workers among them, which went
 * on polling after a test's teardown when a step before them hung. The first
 * failure is thrown once every step has had its turn (main.ts exits 1).
 */
import type { Logger } from './logger.js';

/** pg-boss's graceful stop alone may take its 5 s (jobs/boss.ts); 15 s is a hang. */
export const STOP_STEP_TIMEOUT_MS = 15_000;

/**
 * Runs one step within `timeoutMs`; resolves to its failure (an overrun is
 * one), logged with the step's name, or undefined when it stopped in time.
 */
export async function stopWithin(logger: Logger, name: string, stop: () => Promise<void>, timeoutMs = STOP_STEP_TIMEOUT_MS): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`stopping ${name} took over ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const failure = await Promise.race([stop().then(() => undefined), overran]);
    if (failure) logger.error({ step: name, timeoutMs }, 'a shutdown step overran its time; going on with the next');
    return failure;
  } catch (err) {
    logger.error({ err, step: name }, 'a shutdown step failed; going on with the next');
    return err;
  } finally {
    clearTimeout(timer);
  }
}

export class StopSteps {
  private readonly steps: { name: string; stop: () => Promise<void> }[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = STOP_STEP_TIMEOUT_MS,
  ) {}

  add(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
  }

  /** Stops everything added, newest first; safe to call again (each step runs once). */
  async stopAll(): Promise<void> {
    let firstFailure: unknown;
    for (const { name, stop } of this.steps.splice(0).reverse()) {
      const failure = await stopWithin(this.logger, name, stop, this.timeoutMs);
      firstFailure ??= failure; // not `??= await …`: that would skip every step after a failure
    }
    if (firstFailure !== undefined) throw firstFailure;
  }
}
