/** The long-poll waiter (no database): what wakes it, and that it leaves nothing behind. */
import { LongPoll } from '../../src/stream/long-poll';

const never = new AbortController().signal;

describe('LongPoll', () => {
  it('a notify for the ISPB wakes its waiter; another ISPB does not', async () => {
    const longPoll = new LongPoll();
    const waiter = longPoll.subscribe('11111111');
    const waiting = waiter.wait(5000, never);
    longPoll.notify('22222222');
    longPoll.notify('11111111');
    await expect(waiting).resolves.toBe('notified');
    waiter.cancel();
    expect(longPoll.waiting).toBe(0);
  });

  it('a notify between subscribing and waiting is not lost', async () => {
    const longPoll = new LongPoll();
    const waiter = longPoll.subscribe('11111111');
    longPoll.notify('11111111');
    await expect(waiter.wait(5000, never)).resolves.toBe('notified');
    waiter.cancel();
  });

  it('times out, and answers abort and shutdown', async () => {
    const longPoll = new LongPoll();
    const timed = longPoll.subscribe('1');
    await expect(timed.wait(10, never)).resolves.toBe('timeout');
    timed.cancel();

    const hangUp = new AbortController();
    const aborted = longPoll.subscribe('1');
    const waiting = aborted.wait(5000, hangUp.signal);
    hangUp.abort();
    await expect(waiting).resolves.toBe('aborted');
    aborted.cancel();

    const stopping = longPoll.subscribe('1');
    const beforeShutdown = stopping.wait(5000, never);
    longPoll.shutdown();
    await expect(beforeShutdown).resolves.toBe('shutdown');
    stopping.cancel();
    // After shutdown a new waiter is answered at once.
    const late = longPoll.subscribe('1');
    await expect(late.wait(5000, never)).resolves.toBe('shutdown');
    late.cancel();
    expect(longPoll.waiting).toBe(0);
  });

  it('wakeAll wakes every ISPB (after the LISTEN connection came back)', async () => {
    const longPoll = new LongPoll();
    const waiters = ['1', '2', '3'].map((ispb) => longPoll.subscribe(ispb));
    const woken = Promise.all(waiters.map((waiter) => waiter.wait(5000, never)));
    longPoll.wakeAll();
    await expect(woken).resolves.toEqual(['notified', 'notified', 'notified']);
    waiters.forEach((waiter) => waiter.cancel());
    expect(longPoll.waiting).toBe(0);
  });
});
