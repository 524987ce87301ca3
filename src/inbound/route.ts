/**
 * Where each checked message goes, as a row of its receiver's queue, in the
 * form the SPI hands it on (iso20022/forward.ts: the SPI's AppHdr, To = the
 * receiver):
 *   pacs.008  to its creditor agent (CdtrAgt); also a challenge message, its
 *             JSON form read from the XML (parties stored as clients)
 *   pacs.002  status report, and pacs.004 return: to the participant that
 *             sent the credit transfer named by OrgnlEndToEndId; only that
 *             transfer's receiver may send them
 * A message that breaks a routing rule becomes a RejectedMessage in its place.
 */
import type { Queryable } from '../db/database.js';
import { forwardedBySpi } from '../iso20022/forward.js';
import { newBizMsgIdr } from '../iso20022/ids.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import { renderMessageJson, SPI_ISPB } from '../iso20022/message.js';
import type { Checked } from './check.js';
import { RejectedMessage } from './errors.js';
import { findTransfers } from './sql/find-transfers.js';
import type { PostedRow } from './sql/insert-posted.js';
import { upsertParties } from './sql/upsert-parties.js';

export type Routed = PostedRow | RejectedMessage;

const TX = 'Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf';
const ORIGINAL = { 'pacs.002': 'Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts/OrgnlEndToEndId', 'pacs.004': 'Envelope/Document/PmtRtr/TxInf/OrgnlEndToEndId' };

export async function routePosted(db: Queryable, sender: string, checked: readonly Checked[], at: Date): Promise<Routed[]> {
  const messages = checked.filter((c): c is InboundMessage => !(c instanceof RejectedMessage));
  const referred = messages.flatMap((m) => (m.kind === 'pacs.008' ? [] : [m.originalEndToEndId]));
  const transfers = referred.length > 0 ? await findTransfers(db, referred) : new Map();
  const credits = messages.flatMap((m) => (m.kind === 'pacs.008' ? [m.message.pagador, m.message.recebedor] : []));
  const clientIds = credits.length > 0 ? await upsertParties(db, credits) : [];
  let nextClient = 0;
  return checked.map((m, index): Routed => {
    if (m instanceof RejectedMessage) return m;
    const part = checked.length > 1 ? index : null;
    const reject = (field: string, reason: string) => new RejectedMessage(part, field, reason, false, m.header.bizMsgIdr);
    const forward = (to: string) => forwardedBySpi(m.xml, m.envelope, m.header.msgDefIdr, { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to, createdAt: at });
    const base = { senderIspb: sender, bizMsgIdr: m.header.bizMsgIdr };
    if (m.kind === 'pacs.008') {
      const { message } = m;
      const [payerId, receiverId] = [clientIds[nextClient++]!, clientIds[nextClient++]!];
      if (message.pagador.ispb !== sender) return reject(`${TX}/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId`, `the debtor agent must be the sender ${sender}`);
      if (message.endToEndId.slice(1, 9) !== sender) return reject(`${TX}/PmtId/EndToEndId`, `must carry the sender's ISPB ${sender}`);
      const transfer = { valor: message.valor, payerId, receiverId, campoLivre: message.campoLivre, txId: message.txId, paidAt: message.dataHoraPagamento, json: renderMessageJson(message) };
      const receiver = message.recebedor.ispb;
      return { ...base, kind: 'pacs.008', receiverIspb: receiver, endToEndId: message.endToEndId, xml: forward(receiver), transfer };
    }
    const original = transfers.get(m.originalEndToEndId);
    if (!original) return reject(ORIGINAL[m.kind], `no credit transfer ${m.originalEndToEndId} is known`);
    if (original.receiver !== sender) return reject(ORIGINAL[m.kind], `only the receiver of ${m.originalEndToEndId} (${original.receiver}) may answer it`);
    return { ...base, kind: m.kind, receiverIspb: original.sender, endToEndId: m.originalEndToEndId, xml: forward(original.sender), transfer: null };
  });
}
