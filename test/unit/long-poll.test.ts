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

  it('a notify wakes one waiter of the ISPB, preferring one that is waiting over one still claiming', async () => {
    const longPoll = new LongPoll();
    const claiming = longPoll.subscribe('11111111'); // subscribed, not yet waiting
    const waiters = [longPoll.subscribe('11111111'), longPoll.subscribe('11111111')];
    const settled: string[] = [];
    waiters.forEach((waiter, i) => void waiter.wait(200, never).then((reason) => settled.push(`${i}:${reason}`)));
    longPoll.notify('11111111');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toEqual(['0:notified']);
    longPoll.notify('11111111');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toEqual(['0:notified', '1:notified']);
    // Nobody left waiting: the third notify goes to the one still claiming, which looks again at once.
    longPoll.notify('11111111');
    await expect(claiming.wait(200, never)).resolves.toBe('notified');
    [claiming, ...waiters].forEach((waiter) => waiter.cancel());
    expect(longPoll.waiting).toBe(0);
  });

  it('a waiter cancelled with a wake it never acted on passes it to another waiter', async () => {
    const longPoll = new LongPoll();
    const leaving = longPoll.subscribe('11111111'); // claiming when the notify comes, then returns a batch
    const other = longPoll.subscribe('11111111');
    const otherWoken = other.wait(1000, never);
    const leavingWait = leaving.wait(1000, never); // both waiting: the first subscribed is picked
    longPoll.notify('11111111');
    await expect(leavingWait).resolves.toBe('notified');
    leaving.cancel(); // it saw its wake and claims on it: nothing passed on
    const raced = await Promise.race([otherWoken, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50))]);
    expect(raced).toBe('still waiting');

    const busy = longPoll.subscribe('11111111');
    longPoll.notify('11111111'); // `other` is waiting: it gets this one
    await expect(otherWoken).resolves.toBe('notified');
    other.cancel();
    const third = longPoll.subscribe('11111111');
    const thirdWoken = third.wait(1000, never);
    longPoll.notify('11111111'); // `third` waits, `busy` claims: `third` gets it
    await expect(thirdWoken).resolves.toBe('notified');
    third.cancel();
    const last = longPoll.subscribe('11111111');
    const lastWoken = last.wait(1000, never);
    const another = longPoll.subscribe('11111111');
    longPoll.notify('11111111'); // to `last`, the one waiting
    longPoll.notify('11111111'); // to `busy` (claiming; `another` is claiming too but subscribed later)
    await expect(lastWoken).resolves.toBe('notified');
    last.cancel();
    busy.cancel(); // left with a wake it never saw: passed to `another`
    await expect(another.wait(1000, never)).resolves.toBe('notified');
    another.cancel();
    expect(longPoll.waiting).toBe(0);
  });
});
