/**
 * The SPI's answer to a message it will not process: an admi.002 on the
 * sender's stream (ICOM manual, via the sources in docs/icom.md: the
 * interface stores what it is sent and answers schema, signature and version
 * errors asynchronously, with an admi.002). RltdRef/Ref names the rejected
 * message by its BizMsgIdr, or, when none could be read, by the PI-ResourceId
 * its POST was answered with.
 *
 * The row answers for the post as a handed-on message does: it carries the
 * rejected BizMsgIdr (when one could be read) and the post's PI-ResourceId, so
 * a repost of the same message, sequential or concurrent, finds it and gets
 * the same PI-ResourceId, and no second admi.002.
 */
import { renderAdmi002 } from '../iso20022/admi002.js';
import { newBizMsgIdr } from '../iso20022/ids.js';
import { SPI_ISPB } from '../iso20022/message.js';
import type { RejectedMessage } from './errors.js';
import type { OutboundRow } from './sql/insert-posted.js';

export function rejectionRow(sender: string, rejected: RejectedMessage, resourceId: string, at: Date): OutboundRow {
  const xml = renderAdmi002(
    { rejectedBizMsgIdr: rejected.bizMsgIdr ?? resourceId, reason: rejected.malformed ? 'MALF' : 'INVL', description: rejected.message },
    { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to: sender, createdAt: at },
  );
  return { kind: 'admi.002', receiverIspb: sender, senderIspb: null, bizMsgIdr: rejected.bizMsgIdr ?? null, endToEndId: null, xml, resourceId, transfer: null };
}
