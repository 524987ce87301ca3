/**
 * Messages participants post (ICOM inbound): check each one (check.ts), hand
 * the checked ones to the SPI's handler (settlement or relay, composed in
 * app.ts), store what they put in participants' streams in one transaction,
 * and answer a PI-ResourceId for every part, as ICOM does: 201 means stored,
 * and what the SPI will not process is answered on the sender's stream with
 * an admi.002 (rejections.ts), never with an HTTP error as well. Transport
 * errors (media type, charset, MIME, size) are the face's 4xx, before this.
 *
 * A message posted again (the same BizMsgIdr: a sender's retry) answers the
 * PI-ResourceId it got then and is not taken twice, whichever process took
 * the first post: looked up before handling, and, for two posts at once, by
 * the handler under its row locks and by the unique index on insert.
 * A transaction the database aborts as a deadlock victim (two settlements
 * locking the same accounts in turn) is run again, whole.
 */
import type { Database, Queryable } from '../db/database.js';
import { retryOnDeadlock } from '../db/deadlock.js';
import { newResourceId } from '../iso20022/ids.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import type { Waker } from '../stream/wakes.js';
import { checkPosted, type Checked } from './check.js';
import { RejectedMessage } from './errors.js';
import type { Decided, Handled, Handler } from './handled.js';
import { rejectionRow } from './rejections.js';
import { findPosted, insertPosted, type OutboundRow } from './sql/insert-posted.js';

export interface Accepted {
  /** One PI-ResourceId per posted document, in order. */
  resourceIds: string[];
  /** What was refused, in the admi.002's words (for the request log). */
  rejected: string[];
}

const E2E = 'Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/PmtId/EndToEndId';

export class InboundService {
  constructor(
    private readonly db: Database,
    private readonly waker: Waker,
    private readonly handle: Handler,
    /** Told, once the transaction committed, of the instructions it decided (the SPI's metrics). */
    private readonly onDecided: (decided: Decided[]) => void = () => undefined,
  ) {}

  async accept(sender: string, documents: readonly string[]): Promise<Accepted> {
    const at = new Date();
    const part = (index: number) => (documents.length > 1 ? index : null);
    const checked = documents.map((xml, index) => checkPosted(xml, sender, part(index)));
    const stored = await retryOnDeadlock(() => this.db.transaction((client) => this.take(client, sender, checked, part, at)));
    this.waker.wake(stored.receivers);
    if (stored.decided.length > 0) this.onDecided(stored.decided);
    return { resourceIds: stored.resourceIds, rejected: stored.rejected };
  }

  private async take(db: Queryable, sender: string, checked: readonly Checked[], part: (i: number) => number | null, at: Date) {
    const messages = checked.filter((c): c is InboundMessage => !(c instanceof RejectedMessage));
    const known = await findPosted(db, messages.map((m) => m.header.bizMsgIdr));
    const fresh = messages.filter((m) => !known.has(m.header.bizMsgIdr));
    const indexOf = new Map(checked.map((c, i) => [c, i]));
    const handled = new Map<InboundMessage, Handled>();
    const results = await this.handle(db, sender, fresh, at, (m) => part(indexOf.get(m)!));
    fresh.forEach((m, i) => handled.set(m, results[i]!));

    const rows = [...handled.values()].flatMap((h) => ('rows' in h ? h.rows : []));
    const inserted = await insertPosted(db, rows);
    // Not inserted: a BizMsgIdr another post stored meanwhile, or (relay mode) an EndToEndId taken.
    const reposted = await findPosted(db, [...handled].flatMap(([m, h]) => ('repost' in h || ('rows' in h && h.rows[0] && !inserted.has(h.rows[0].resourceId)) ? [m.header.bizMsgIdr] : [])));

    const outcomes = checked.map((c, i): string | RejectedMessage => {
      if (c instanceof RejectedMessage) return c;
      const earlier = known.get(c.header.bizMsgIdr) ?? reposted.get(c.header.bizMsgIdr);
      if (earlier !== undefined) return earlier;
      const h = handled.get(c)!;
      if (h instanceof RejectedMessage) return h;
      if ('repost' in h || h.rows.length === 0) return newResourceId(at);
      if (inserted.has(h.rows[0]!.resourceId)) return h.rows[0]!.resourceId;
      return new RejectedMessage(part(i), E2E, `${h.rows[0]!.endToEndId} was already used by another credit transfer`, false, c.header.bizMsgIdr);
    });
    const resourceIds = outcomes.map((o) => (o instanceof RejectedMessage ? newResourceId(at) : o));
    const rejections: OutboundRow[] = outcomes.flatMap((o, i) => (o instanceof RejectedMessage ? [rejectionRow(sender, o, resourceIds[i]!, at)] : []));
    const refused = await insertPosted(db, rejections);
    // A rejection not inserted: a concurrent post of the same message was refused first; answer with its id.
    const refusedBefore = await findPosted(db, rejections.flatMap((row) => (row.bizMsgIdr !== null && !refused.has(row.resourceId) ? [row.bizMsgIdr] : [])));
    outcomes.forEach((o, i) => {
      const earlier = o instanceof RejectedMessage && o.bizMsgIdr !== null ? refusedBefore.get(o.bizMsgIdr) : undefined;
      if (earlier !== undefined) resourceIds[i] = earlier;
    });
    const receivers = new Set([...rows.filter((row) => inserted.has(row.resourceId)), ...rejections].map((row) => row.receiverIspb));
    const decided = [...handled.values()].flatMap((h) => ('rows' in h && h.decided ? [h.decided] : []));
    return { resourceIds, rejected: outcomes.flatMap((o) => (o instanceof RejectedMessage ? [o.message] : [])), receivers, decided };
  }
}
