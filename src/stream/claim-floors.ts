/**
 * Where this process's next claim of an ISPB starts reading its pending index:
 * the first `seq` its last full claim took, instead of the ISPB's first entry.
 *
 * Why: a claimed row leaves its entry in deliveries_pending until VACUUM
 * removes it, and autovacuum comes by a minute or more apart. Every claim
 * starting from the ISPB's first entry walked all of them (a group's statement
 * went from 3.75 to 8.95 ms over a drain of 300,000 messages; docs/performance.md,
 * Measurement history); starting at the floor it reads past one group's worth at most.
 *
 * A floor only narrows where a claim looks, never what it may take, so it
 * cannot break exactly-once; the risk is a pending row below it, missed until
 * the floor is dropped: a released message (it keeps its old seq), a row
 * committed after rows of higher seq were claimed, or a row another claim had
 * locked and then rolled back. So
 *   - a claim made because a notification woke its collector, and the last
 *     claim of a long poll, read from the first entry whatever the floor
 *     (StreamService): a notification wakes one collector, and if that one
 *     looked above the floor, the message that woke it would wait for the
 *     next long poll to end (seen: 12-30 s in the flow tests);
 *   - the floor is dropped after a claim that found fewer rows than it wanted
 *     (the ISPB ran dry), on every notification for the ISPB, when the
 *     LISTEN connection comes back (one may have been missed) and when this
 *     process ended streams that held messages (a start that reaped idle
 *     streams claims before the release's notification comes back),
 *   - and FLOOR_TTL_MS after it was set, whatever happened meanwhile,
 * so while a backlog is drained above such a row, it waits at most that long.
 */
/** Below every seq: the claim reads the ISPB's pending index from its first entry. */
export const NO_FLOOR = '-9223372036854775808';
const FLOOR_TTL_MS = 1000;

export class ClaimFloors {
  private readonly floors = new Map<string, { seq: string; setAt: number }>();

  /** Where to start, as bigint text. */
  get(ispb: string): string {
    const floor = this.floors.get(ispb);
    if (!floor) return NO_FLOOR;
    if (Date.now() - floor.setAt > FLOOR_TTL_MS) {
      this.floors.delete(ispb);
      return NO_FLOOR;
    }
    return floor.seq;
  }

  /** After a claim: null when it found fewer rows than it wanted. */
  claimed(ispb: string, nextFloor: string | null): void {
    if (nextFloor === null) this.floors.delete(ispb);
    else if (!this.floors.has(ispb)) this.floors.set(ispb, { seq: nextFloor, setAt: Date.now() });
    else this.floors.get(ispb)!.seq = nextFloor;
  }

  drop(ispb: string): void {
    this.floors.delete(ispb);
  }

  dropAll(): void {
    this.floors.clear();
  }
}
