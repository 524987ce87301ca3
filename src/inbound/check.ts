/**
 * The checks a posted message passes before it is routed: readable as one of
 * the kinds ICOM inbound takes (iso20022/inbound.ts), and its envelope the
 * sender's own (from itself, to the SPI, its BizMsgIdr carrying its ISPB).
 * A failure is a RejectedMessage, returned rather than thrown: one bad part
 * of a request does not stop the others, as the SPI processes each message.
 */
import { Iso20022ReadError } from '../iso20022/read.js';
import { readInbound, type InboundMessage } from '../iso20022/inbound.js';
import { SPI_ISPB } from '../iso20022/message.js';
import { RejectedMessage } from './errors.js';

// The admi.002 names the message it rejects when its BizMsgIdr can be made out, even if the rest cannot be read.
const BIZ_MSG_IDR = /<(?:[A-Za-z_][\w.-]*:)?BizMsgIdr>(M[0-9A-Z]{8}[a-zA-Z0-9]{23})<\//;
const MALFORMED = new Set(['forbidden-dtd', 'forbidden-cdata', 'malformed']);

export type Checked = InboundMessage | RejectedMessage;

function read(xml: string, part: number | null): InboundMessage {
  try {
    return readInbound(xml);
  } catch (err) {
    if (!(err instanceof Iso20022ReadError)) throw err;
    throw new RejectedMessage(part, err.field, err.detail, MALFORMED.has(err.problem), BIZ_MSG_IDR.exec(xml)?.[1] ?? null);
  }
}

/** The envelope's rules for a message a participant sends: from itself, to the SPI. */
function checkEnvelope(message: InboundMessage, sender: string, part: number | null): void {
  const reject = (field: string, reason: string) => {
    throw new RejectedMessage(part, `Envelope/AppHdr/${field}`, reason, false, message.header.bizMsgIdr);
  };
  if (message.header.from !== sender) reject('Fr', `the sender is ${message.header.from}, but this request posts as ${sender}`);
  if (message.header.to !== SPI_ISPB) reject('To', `a participant sends to the SPI (${SPI_ISPB}), not to ${message.header.to}`);
  if (message.header.bizMsgIdr.slice(1, 9) !== sender) reject('BizMsgIdr', `must carry the sender's ISPB ${sender}`);
}

export function checkPosted(xml: string, sender: string, part: number | null): Checked {
  try {
    const message = read(xml, part);
    checkEnvelope(message, sender, part);
    return message;
  } catch (err) {
    if (err instanceof RejectedMessage) return err;
    throw err;
  }
}
