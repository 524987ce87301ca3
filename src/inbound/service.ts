/**
 * Messages participants post (ICOM inbound): check each one (check.ts), route
 * it (route.ts), store the request's messages in one transaction, and answer
 * a PI-ResourceId for every part, as ICOM does: 201 means stored, and what the
 * SPI will not process is answered on the sender's stream with an admi.002
 * (rejections.ts), never with an HTTP error as well. Transport errors (media
 * type, charset, MIME, size) are the face's 4xx, before this runs.
 *
 * Delivered in the form the SPI hands messages on (forward.ts); the posted
 * BizMsgIdr is kept: posting it again (a sender's retry) answers the
 * PI-ResourceId it got then and stores nothing, whichever process took the
 * first post. A refused message stores only its admi.002.
 */
import type { Database, Queryable } from '../db/database.js';
import { newResourceId } from '../iso20022/ids.js';
import type { Waker } from '../stream/wakes.js';
import { checkPosted } from './check.js';
import { RejectedMessage } from './errors.js';
import { rejectionXml } from './rejections.js';
import { routePosted, type Routed } from './route.js';
import { findPosted, insertPosted, type PostedRow } from './sql/insert-posted.js';
import { insertRejections } from './sql/insert-rejection.js';

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
  ) {}

  async accept(sender: string, documents: readonly string[]): Promise<Accepted> {
    const at = new Date();
    const checked = documents.map((xml, index) => checkPosted(xml, sender, documents.length > 1 ? index : null));
    const stored = await this.db.transaction(async (client) => {
      const routed = await routePosted(client, sender, checked, at);
      const outcomes = await this.store(client, routed);
      const rejected = outcomes.flatMap((o) => (o instanceof RejectedMessage ? [o] : []));
      const resourceIds = outcomes.map((o) => (o instanceof RejectedMessage ? newResourceId(at) : o.resourceId));
      const rejections = outcomes.flatMap((o, i) => (o instanceof RejectedMessage ? [rejectionXml(sender, o, resourceIds[i]!, at)] : []));
      if (rejections.length > 0) await insertRejections(client, sender, rejections);
      const receivers = new Set(outcomes.flatMap((o) => (o instanceof RejectedMessage || !o.inserted ? [] : [o.receiverIspb])));
      if (rejections.length > 0) receivers.add(sender);
      return { resourceIds, rejected: rejected.map((r) => r.message), receivers };
    });
    this.waker.wake(stored.receivers);
    return { resourceIds: stored.resourceIds, rejected: stored.rejected };
  }

  /**
   * Inserts the routed rows; a retried BizMsgIdr answers its stored id; a
   * credit transfer whose EndToEndId another one holds is refused.
   */
  private async store(db: Queryable, routed: readonly Routed[]): Promise<(RejectedMessage | { resourceId: string; receiverIspb: string; inserted: boolean })[]> {
    const rows = routed.filter((r): r is PostedRow => !(r instanceof RejectedMessage));
    const unique = [...new Map(rows.map((row) => [row.bizMsgIdr, row])).values()];
    const inserted = unique.length > 0 ? await insertPosted(db, unique) : new Map();
    const missing = unique.filter((row) => !inserted.has(row.bizMsgIdr)).map((row) => row.bizMsgIdr);
    const retried = missing.length > 0 ? await findPosted(db, missing) : new Map<string, string>();
    return routed.map((row, index) => {
      if (row instanceof RejectedMessage) return row;
      const fresh = inserted.get(row.bizMsgIdr);
      if (fresh) return { resourceId: fresh.resourceId, receiverIspb: row.receiverIspb, inserted: true };
      const earlier = retried.get(row.bizMsgIdr);
      if (earlier !== undefined) return { resourceId: earlier, receiverIspb: row.receiverIspb, inserted: false };
      return new RejectedMessage(routed.length > 1 ? index : null, E2E, `${row.endToEndId} was already used by another credit transfer`, false, row.bizMsgIdr);
    });
  }
}
