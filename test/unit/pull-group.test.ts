/** Gathering pulls into claim statements (no database): what goes together, what waits, what fails together. */
import { PullGroups } from '../../src/stream/pull-group';
import type { PullRequest, PullResult } from '../../src/stream/sql/pull-batch';

const pull = (iterationId: string): PullRequest => ({ iterationId, ispb: '11111111', face: 'challenge', nextId: `${iterationId}-next`, limit: 10, final: false });

/** A runner whose statements finish only when the test says so. */
function heldRunner() {
  const groups: { ids: string[]; finish: (err?: Error) => void }[] = [];
  const run = (pulls: readonly PullRequest[]) =>
    new Promise<PullResult[]>((resolve, reject) => {
      groups.push({
        ids: pulls.map((p) => p.iterationId),
        finish: (err) => (err ? reject(err) : resolve(pulls.map(() => ({ kind: 'nothing-yet', acked: 0 }) as PullResult))),
      });
    });
  return { groups, run };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PullGroups', () => {
  it('a lone pull goes at once; pulls arriving while every slot runs leave together in the next group', async () => {
    const { groups, run } = heldRunner();
    const pulls = new PullGroups(run, 1, 128);
    const first = pulls.pull(pull('a'));
    const rest = ['b', 'c', 'd'].map((id) => pulls.pull(pull(id)));
    await settle();
    expect(groups.map((g) => g.ids)).toEqual([['a']]);
    groups[0].finish();
    await expect(first).resolves.toEqual({ kind: 'nothing-yet', acked: 0 });
    await settle();
    expect(groups.map((g) => g.ids)).toEqual([['a'], ['b', 'c', 'd']]);
    groups[1].finish();
    await expect(Promise.all(rest)).resolves.toHaveLength(3);
  });

  it('runs up to `inFlight` groups at once', async () => {
    const { groups, run } = heldRunner();
    const pulls = new PullGroups(run, 2, 128);
    const all = ['a', 'b', 'c'].map((id) => pulls.pull(pull(id)));
    await settle();
    expect(groups.map((g) => g.ids)).toEqual([['a'], ['b']]);
    groups[1].finish();
    await settle();
    expect(groups.map((g) => g.ids)).toEqual([['a'], ['b'], ['c']]);
    groups[0].finish();
    groups[2].finish();
    await expect(Promise.all(all)).resolves.toHaveLength(3);
  });

  it('never puts one iteration twice in a group: the repeat waits for the next', async () => {
    const { groups, run } = heldRunner();
    const pulls = new PullGroups(run, 1, 128);
    const all = ['a', 'b', 'b', 'c'].map((id) => pulls.pull(pull(id)));
    await settle();
    groups[0].finish();
    await settle();
    expect(groups[1].ids).toEqual(['b', 'c']);
    groups[1].finish();
    await settle();
    expect(groups[2].ids).toEqual(['b']);
    groups[2].finish();
    await expect(Promise.all(all)).resolves.toHaveLength(4);
  });

  it('caps a group at maxGroup, oldest first', async () => {
    const { groups, run } = heldRunner();
    const pulls = new PullGroups(run, 1, 2);
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => pulls.pull(pull(id)));
    await settle();
    groups[0].finish();
    await settle();
    expect(groups[1].ids).toEqual(['b', 'c']);
    groups[1].finish();
    await settle();
    expect(groups[2].ids).toEqual(['d', 'e']);
    groups[2].finish();
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  it("a failed statement fails each of its pulls, and the next group still goes", async () => {
    const { groups, run } = heldRunner();
    const pulls = new PullGroups(run, 1, 128);
    const first = pulls.pull(pull('a'));
    const second = pulls.pull(pull('b'));
    const third = pulls.pull(pull('c'));
    await settle();
    groups[0].finish(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await settle();
    groups[1].finish(new Error('still down'));
    await expect(second).rejects.toThrow('still down');
    await expect(third).rejects.toThrow('still down');
    const fourth = pulls.pull(pull('d'));
    await settle();
    groups[2].finish();
    await expect(fourth).resolves.toEqual({ kind: 'nothing-yet', acked: 0 });
  });
});
