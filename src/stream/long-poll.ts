/**
 * Waiting collectors, per ISPB, in this process. A waiter holds no database
 * connection: it is a promise that a NOTIFY (relayed by db/listener.ts), its
 * deadline, its client hanging up, or shutdown settles.
 *
 * A collector subscribes *before* it tries to claim, so a message committed
 * between an empty claim and the wait still wakes it.
 *
 * A notification wakes ONE waiter of the ISPB, not all of them. Waking all six
 * collectors of an ISPB for one message made five of them run a claim that
 * found nothing: a transaction each (row locks, a commit flushed to disk) for
 * every message that arrived while they waited. The woken collector passes the
 * wake on when there may be more (StreamService relays after a full batch),
 * and a waiter cancelled with a wake it never acted on hands that wake to
 * another waiter, so a wake is never lost with a collector that left.
 */

export type WakeReason = 'notified' | 'timeout' | 'aborted' | 'shutdown';

export interface Waiter {
  /** Resolves at once if woken since subscribing. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<WakeReason>;
  cancel(): void;
}

interface Subscription {
  /** Why it was woken, once it was. */
  woken?: WakeReason;
  /** Set while its owner is inside wait(). */
  settle?: (reason: WakeReason) => void;
  /** Its owner saw the wake (wait() returned it) and will claim on it. */
  seen: boolean;
}

export class LongPoll {
  private readonly waiters = new Map<string, Set<Subscription>>();
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
    const sub: Subscription = { woken: this.closing ? 'shutdown' : undefined, seen: false };
    this.add(ispb, sub);
    const cancel = () => {
      if (!this.remove(ispb, sub)) return;
      // Woken, but its owner left without claiming (it hung up, or was mid-claim and returned a batch): pass the wake on.
      if (sub.woken === 'notified' && !sub.seen) this.notify(ispb);
    };

    return {
      cancel,
      wait: (timeoutMs, signal) => {
        if (sub.woken) {
          sub.seen = true;
          return Promise.resolve(sub.woken);
        }
        if (signal.aborted) return Promise.resolve('aborted');
        return new Promise<WakeReason>((resolve) => {
          const timer = setTimeout(() => sub.settle?.('timeout'), Math.max(0, timeoutMs));
          const onAbort = () => sub.settle?.('aborted');
          signal.addEventListener('abort', onAbort, { once: true });
          sub.settle = (reason) => {
            sub.settle = undefined;
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            sub.woken ??= reason;
            sub.seen = true;
            resolve(reason);
          };
        });
      },
    };
  }

  /**
   * Messages for this ISPB became pending somewhere: wakes one waiter, one that
   * is waiting if there is one (a subscriber still claiming may return without
   * looking again), else one still claiming (it looks again, or passes the wake on).
   */
  notify(ispb: string): void {
    const set = this.waiters.get(ispb);
    if (!set) return;
    let claiming: Subscription | undefined;
    for (const sub of set) {
      if (sub.woken) continue;
      if (sub.settle) return this.wake(sub, 'notified');
      claiming ??= sub;
    }
    if (claiming) this.wake(claiming, 'notified');
  }

  /** After the LISTEN connection came back, notifications may have been missed: everyone looks again. */
  wakeAll(): void {
    for (const set of this.waiters.values()) for (const sub of set) this.wake(sub, 'notified');
  }

  /** Answer every waiter now, and every later one at once. */
  shutdown(): void {
    this.closing = true;
    for (const set of this.waiters.values()) for (const sub of set) this.wake(sub, 'shutdown');
  }

  private wake(sub: Subscription, reason: WakeReason): void {
    if (sub.settle) sub.settle(reason);
    else sub.woken ??= reason;
  }

  private add(ispb: string, sub: Subscription): void {
    let set = this.waiters.get(ispb);
    if (!set) this.waiters.set(ispb, (set = new Set()));
    set.add(sub);
  }

  /** False when it was already removed. */
  private remove(ispb: string, sub: Subscription): boolean {
    const set = this.waiters.get(ispb);
    if (!set?.delete(sub)) return false;
    if (set.size === 0) this.waiters.delete(ispb);
    return true;
  }
}
