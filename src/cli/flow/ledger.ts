/**
 * The rehearsal's book: every transfer of this run by EndToEndId, with the
 * instants it was posted, accepted (201), delivered to B and reported back
 * to A (and, when the SPI settles, confirmed to B) (performance.now(): one monotonic clock, since every side runs in this
 * process), and the counts the summary is made of.
 *
 * A message arriving twice is told apart by its PI-ResourceId: the same id
 * again is a redelivery (the protocol at work: a batch that was not
 * acknowledged comes back), a different id for the same EndToEndId is a
 * doubled message (two messages where one was sent), which fails the run.
 */

export type Arrival = 'new' | 'again' | 'doubled';

interface Track {
  /** Whether B answers this one RJCT. */
  reject: boolean;
  postedAt: number;
  acceptedAt: number;
  deliveredAt: number;
  deliveredId: string | null;
  reportedAt: number;
  reportedId: string | null;
  /** A settled transfer: the SPI's ACSC reached A; B's ACCC is then due. */
  settled: boolean;
  confirmedId: string | null;
}

export class Ledger {
  private readonly tracks = new Map<string, Track>();
  /** How many B rejects: round(count × share). */
  readonly plannedRejects: number;
  private rejectsLeft: number;
  delivered = 0;
  reported = 0;
  /** Reports at A by status: ACSP (B's acceptance, handed on), ACSC (settled), RJCT. */
  acsp = 0;
  acsc = 0;
  rjct = 0;
  /** The SPI's ACCC at B, one per settled transfer. */
  confirmed = 0;
  /** Transfers B answered (each once, however often it was delivered). */
  answered = 0;
  /** Transfers accepted by the API (201). */
  posted = 0;
  postRequests = 0;
  /** Redeliveries: dropped by the client's dedupe window, or the same PI-ResourceId seen again. */
  duplicates = { atReceiver: 0, atPayer: 0 };
  doubled = { transfers: 0, reports: 0 };
  /** Reports whose status is not the one B was to give. */
  mismatched = 0;
  /** Messages at A or B that are not of this run (earlier traffic, a return, an unreadable document). */
  other = { atReceiver: 0, atPayer: 0 };
  /** admi.002: the API refused something one side posted. */
  readonly refusals: string[] = [];
  /** The last time anything new happened: a post answered, a transfer delivered, a report received. */
  lastProgressAt = performance.now();

  constructor(
    readonly count: number,
    rejectShare: number,
  ) {
    this.plannedRejects = Math.round(count * rejectShare);
    this.rejectsLeft = this.plannedRejects;
  }

  /**
   * Registers a transfer about to be posted; decides whether B will reject it.
   * Selection sampling (Knuth's algorithm S): exactly round(count × share)
   * rejections, each subset of that size equally likely.
   */
  plan(endToEndId: string): void {
    const remaining = this.count - this.tracks.size;
    const reject = this.rejectsLeft > 0 && Math.random() * remaining < this.rejectsLeft;
    if (reject) this.rejectsLeft -= 1;
    this.tracks.set(endToEndId, { reject, postedAt: NaN, acceptedAt: NaN, deliveredAt: NaN, deliveredId: null, reportedAt: NaN, reportedId: null, settled: false, confirmedId: null });
  }

  sent(endToEndIds: readonly string[], at: number): void {
    for (const id of endToEndIds) this.tracks.get(id)!.postedAt = at;
  }

  accepted(endToEndIds: readonly string[], at: number): void {
    for (const id of endToEndIds) this.tracks.get(id)!.acceptedAt = at;
    this.posted += endToEndIds.length;
    this.postRequests += 1;
    this.lastProgressAt = at;
  }

  /** Whether B is to reject this transfer of the run; undefined when it is not one. */
  rejects(endToEndId: string): boolean | undefined {
    return this.tracks.get(endToEndId)?.reject;
  }

  /** B received a transfer; null when it is not of this run. */
  receive(endToEndId: string, resourceId: string, at: number): Arrival | null {
    const track = this.tracks.get(endToEndId);
    if (!track) return null;
    const arrival = this.arrival(track.deliveredId, resourceId);
    if (arrival === 'new') {
      track.deliveredId = resourceId;
      track.deliveredAt = at;
      this.delivered += 1;
      this.lastProgressAt = at;
    } else if (arrival === 'again') this.duplicates.atReceiver += 1;
    else this.doubled.transfers += 1;
    return arrival;
  }

  /** A received the report on a transfer (B's, or the SPI's); null when it is not on a transfer of this run. */
  report(endToEndId: string, resourceId: string, status: 'ACSP' | 'ACSC' | 'RJCT', at: number): Arrival | null {
    const track = this.tracks.get(endToEndId);
    if (!track) return null;
    const arrival = this.arrival(track.reportedId, resourceId);
    if (arrival === 'new') {
      track.reportedId = resourceId;
      track.reportedAt = at;
      this.reported += 1;
      if (status === 'ACSP') this.acsp += 1;
      else if (status === 'ACSC') this.acsc += 1;
      else this.rjct += 1;
      track.settled = status === 'ACSC';
      if ((status === 'RJCT') !== track.reject) this.mismatched += 1;
      this.lastProgressAt = at;
    } else if (arrival === 'again') this.duplicates.atPayer += 1;
    else this.doubled.reports += 1;
    return arrival;
  }

  /** B received the SPI's ACCC on a transfer; null when it is not on a transfer of this run. */
  confirm(endToEndId: string, resourceId: string, at: number): Arrival | null {
    const track = this.tracks.get(endToEndId);
    if (!track) return null;
    const arrival = this.arrival(track.confirmedId, resourceId);
    if (arrival === 'new') {
      track.confirmedId = resourceId;
      this.confirmed += 1;
      this.lastProgressAt = at;
    } else if (arrival === 'again') this.duplicates.atReceiver += 1;
    else this.doubled.reports += 1;
    return arrival;
  }

  private arrival(seenId: string | null, resourceId: string): Arrival {
    if (seenId === null) return 'new';
    return seenId === resourceId ? 'again' : 'doubled';
  }

  /** Every transfer delivered and reported, and every settled one confirmed to B. */
  get complete(): boolean {
    return this.delivered === this.count && this.reported === this.count && this.confirmed === this.acsc;
  }

  /** Milliseconds from posting to each later instant, of the transfers that reached it. */
  latencies(): { accepted: number[]; delivered: number[]; reported: number[] } {
    const out = { accepted: [] as number[], delivered: [] as number[], reported: [] as number[] };
    for (const t of this.tracks.values()) {
      if (!Number.isNaN(t.acceptedAt)) out.accepted.push(t.acceptedAt - t.postedAt);
      if (!Number.isNaN(t.deliveredAt)) out.delivered.push(t.deliveredAt - t.postedAt);
      if (!Number.isNaN(t.reportedAt)) out.reported.push(t.reportedAt - t.postedAt);
    }
    return out;
  }

  /** The first post sent, and the last delivery and report received (NaN when none). */
  span(): { firstPostAt: number; lastDeliveredAt: number; lastReportedAt: number } {
    let firstPostAt = Infinity;
    let lastDeliveredAt = -Infinity;
    let lastReportedAt = -Infinity;
    for (const t of this.tracks.values()) {
      if (t.postedAt < firstPostAt) firstPostAt = t.postedAt;
      if (t.deliveredAt > lastDeliveredAt) lastDeliveredAt = t.deliveredAt;
      if (t.reportedAt > lastReportedAt) lastReportedAt = t.reportedAt;
    }
    const finite = (n: number) => (Number.isFinite(n) ? n : NaN);
    return { firstPostAt: finite(firstPostAt), lastDeliveredAt: finite(lastDeliveredAt), lastReportedAt: finite(lastReportedAt) };
  }
}
