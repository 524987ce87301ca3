/**
 * The rows that hand posted messages on to their receiver, in the form the
 * SPI hands them on (../iso20022/forward.ts), for both modes: credit
 * transfers (checked against their sender, their parties stored as clients,
 * their JSON form made for the challenge face) and, in relay mode, reports
 * and returns.
 */
import type { Queryable } from '../db/database.js';
import { forwardedBySpi } from '../iso20022/forward.js';
import { newBizMsgIdr, newResourceId } from '../iso20022/ids.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import { renderMessageJson, SPI_ISPB } from '../iso20022/message.js';
import { RejectedMessage } from './errors.js';
import type { PartOf } from './handled.js';
import type { OutboundRow } from './sql/insert-posted.js';
import { upsertParties } from './sql/upsert-parties.js';

export type CreditTransfer = Extract<InboundMessage, { kind: 'pacs.008' }>;

const TX = 'Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf';

/** The message as the SPI delivers it to `to`: the row that answers for the post. */
export function handOn(m: InboundMessage, to: string, at: Date, transfer: OutboundRow['transfer'] = null, endToEndId: string | null = null): OutboundRow {
  const xml = forwardedBySpi(m.xml, m.envelope, m.header.msgDefIdr, { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to, createdAt: at });
  return { kind: m.kind as OutboundRow['kind'], receiverIspb: to, senderIspb: m.header.from, bizMsgIdr: m.header.bizMsgIdr, endToEndId, xml, resourceId: newResourceId(at), transfer };
}

/** The sender's own rules for a credit transfer it posts; undefined when they hold. */
export function senderRule(m: CreditTransfer, sender: string, part: number | null): RejectedMessage | undefined {
  const reject = (field: string, reason: string) => new RejectedMessage(part, field, reason, false, m.header.bizMsgIdr);
  if (m.message.pagador.ispb !== sender) return reject(`${TX}/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId`, `the debtor agent must be the sender ${sender}`);
  if (m.message.endToEndId.slice(1, 9) !== sender) return reject(`${TX}/PmtId/EndToEndId`, `must carry the sender's ISPB ${sender}`);
  if (m.message.recebedor.ispb === sender) return reject(`${TX}/CdtrAgt/FinInstnId/ClrSysMmbId/MmbId`, 'a payment between accounts of one participant is not the SPI\'s to settle');
  return undefined;
}

/** Each credit transfer's handed-on row (its parties stored first, in one statement), or its rejection. */
export async function creditTransferRows(db: Queryable, sender: string, transfers: readonly CreditTransfer[], at: Date, partOf: PartOf): Promise<(OutboundRow | RejectedMessage)[]> {
  if (transfers.length === 0) return [];
  const clientIds = await upsertParties(db, transfers.flatMap((m) => [m.message.pagador, m.message.recebedor]));
  return transfers.map((m, i) => {
    const refused = senderRule(m, sender, partOf(m));
    if (refused) return refused;
    const { message } = m;
    const transfer = { valor: message.valor, payerId: clientIds[2 * i]!, receiverId: clientIds[2 * i + 1]!, campoLivre: message.campoLivre, txId: message.txId, paidAt: message.dataHoraPagamento, json: renderMessageJson(message) };
    return handOn(m, message.recebedor.ispb, at, transfer, message.endToEndId);
  });
}
