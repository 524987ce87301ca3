/**
 * The ids of the most recently acknowledged messages, to drop a redelivery.
 *
 * Redelivery is the protocol working, not a fault: a stream that expires or
 * a close that fails sends its unacknowledged batch to the next collector,
 * and a batch we processed but could not acknowledge comes back. The ids
 * (endToEndId, PI-ResourceId) stay the same, so the consumer can recognise
 * them. The durable place for that is the bank's own store; this window is
 * an in-memory convenience that catches the common case (a redelivery within
 * minutes) at a bounded cost: about 100 bytes per id.
 *
 * Share one window between the streams of one ISPB: a redelivery usually
 * arrives on another stream than the first delivery.
 */
export class DedupeWindow {
  // A Set iterates in insertion order, so its first entry is the oldest.
  private readonly ids = new Set<string>();

  constructor(readonly size: number) {
    // A JS Set holds at most 2^24 entries.
    if (!Number.isInteger(size) || size < 1 || size > 2 ** 24) throw new RangeError(`dedupe window size must be an integer from 1 to 2^24, got ${size}`);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers `id`, forgetting the oldest one when full. */
  add(id: string): void {
    if (this.ids.has(id)) return;
    if (this.ids.size >= this.size) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(id);
  }

  get count(): number {
    return this.ids.size;
  }
}
