/**
 * Waiting collectors, per ISPB, in this process. A waiter holds no database
 * connection: it is a promise that a NOTIFY (relayed by db/listener.ts), its
 * deadline, its client hanging up, or shutdown settles.
 *
 * A collector subscribes *before* it tries to claim, so a message committed
 * between an empty claim and the wait still wakes it.
 */

export type WakeReason = 'notified' | 'timeout' | 'aborted' | 'shutdown';

export interface Waiter {
  /** Resolves at once if woken since subscribing. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<WakeReason>;
  cancel(): void;
}

export class LongPoll {
  private readonly waiters = new Map<string, Set<(reason: WakeReason) => void>>();
  private closing = false;

  get waiting(): number {
    let count = 0;
    for (const set of this.waiters.values()) count += set.size;
    return count;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  subscribe(ispb: string): Waiter {
    let woken: WakeReason | undefined = this.closing ? 'shutdown' : undefined;
    let settle: ((reason: WakeReason) => void) | undefined;
    const wake = (reason: WakeReason) => {
      woken ??= reason;
      settle?.(reason);
    };
    this.add(ispb, wake);
    const cancel = () => this.remove(ispb, wake);

    return {
      cancel,
      wait: (timeoutMs, signal) => {
        if (woken) return Promise.resolve(woken);
        if (signal.aborted) return Promise.resolve('aborted');
        return new Promise<WakeReason>((resolve) => {
          const timer = setTimeout(() => settle?.('timeout'), Math.max(0, timeoutMs));
          const onAbort = () => settle?.('aborted');
          signal.addEventListener('abort', onAbort, { once: true });
          settle = (reason) => {
            settle = undefined;
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            resolve(reason);
          };
        });
      },
    };
  }

  /** A message for this ISPB became pending somewhere. */
  notify(ispb: string): void {
    for (const wake of this.waiters.get(ispb) ?? []) wake('notified');
  }

  /** After the LISTEN connection came back, notifications may have been missed: everyone looks again. */
  wakeAll(): void {
    for (const set of this.waiters.values()) for (const wake of set) wake('notified');
  }

  /** Answer every waiter now, and every later one at once. */
  shutdown(): void {
    this.closing = true;
    for (const set of this.waiters.values()) for (const wake of set) wake('shutdown');
  }

  private add(ispb: string, wake: (reason: WakeReason) => void): void {
    let set = this.waiters.get(ispb);
    if (!set) this.waiters.set(ispb, (set = new Set()));
    set.add(wake);
  }

  private remove(ispb: string, wake: (reason: WakeReason) => void): void {
    const set = this.waiters.get(ispb);
    if (!set) return;
    set.delete(wake);
    if (set.size === 0) this.waiters.delete(ispb);
  }
}
