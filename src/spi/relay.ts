/**
 * Relay mode (SPI_SETTLEMENT=off): the SPI hands every message on and
 * settles nothing.
 *   pacs.008  to its creditor agent (CdtrAgt)
 *   pacs.002  status report, and pacs.004 return: to the participant that
 *             sent the credit transfer named by OrgnlEndToEndId; only that
 *             transfer's receiver may send them
 *   camt.060, pibr.001  answered by the SPI, as in settlement mode
 */
import type { Queryable } from '../db/database.js';
import { RejectedMessage } from '../inbound/errors.js';
import type { Handled, Handler, PartOf } from '../inbound/handled.js';
import { creditTransferRows, handOn, type CreditTransfer } from '../inbound/hand-on.js';
import { findTransfers } from '../inbound/sql/find-transfers.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import { answerQuery } from './queries.js';

const ORIGINAL = { 'pacs.002': 'Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts/OrgnlEndToEndId', 'pacs.004': 'Envelope/Document/PmtRtr/TxInf/OrgnlEndToEndId' };

export function relayHandler(openingCents: number): Handler {
  return async (db: Queryable, sender: string, messages: readonly InboundMessage[], at: Date, partOf: PartOf): Promise<Handled[]> => {
    const transfers = messages.filter((m): m is CreditTransfer => m.kind === 'pacs.008');
    const transferRows = new Map(transfers.map((m, i) => [m, i]));
    const rows = await creditTransferRows(db, sender, transfers, at, partOf);
    const referred = messages.flatMap((m) => (m.kind === 'pacs.002' || m.kind === 'pacs.004' ? [m.originalEndToEndId] : []));
    const known = referred.length > 0 ? await findTransfers(db, referred) : new Map();
    const handled: Handled[] = [];
    for (const m of messages) {
      if (m.kind === 'pacs.008') {
        const row = rows[transferRows.get(m)!]!;
        handled.push(row instanceof RejectedMessage ? row : { rows: [row] });
      } else if (m.kind === 'pacs.002' || m.kind === 'pacs.004') {
        const reject = (reason: string) => new RejectedMessage(partOf(m), ORIGINAL[m.kind], reason, false, m.header.bizMsgIdr);
        const original = known.get(m.originalEndToEndId);
        if (!original) handled.push(reject(`no credit transfer ${m.originalEndToEndId} is known`));
        else if (original.receiver !== sender) handled.push(reject(`only the receiver of ${m.originalEndToEndId} (${original.receiver}) may answer it`));
        else handled.push({ rows: [handOn(m, original.sender, at, null, m.originalEndToEndId)] });
      } else {
        handled.push(await answerQuery(db, sender, m, at, openingCents, partOf(m)));
      }
    }
    return handled;
  };
}
