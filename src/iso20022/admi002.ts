/**
 * Renders a message reject, admi.002 version 1.5 (SPI catalogue 5.13;
 * namespace and MsgDefIdr in message.ts): what the SPI (Fr 00038166) sends to
 * the participant whose message it could not process. Shape of the
 * catalogue's admi.002.spi.1.5 schema and of admi.002 the SPI has emitted:
 *
 *   <Document><admi.002.001.01>
 *     <RltdRef><Ref> the rejected message's BizMsgIdr (Max33Text)
 *     <Rsn> RjctgPtyRsn (Max35Text), RjctnDtTm, RsnDesc (Max350Text, optional)
 *
 * The document element really is named `admi.002.001.01`, a legal XML name.
 * admi.002 has no GrpHdr; RjctnDtTm is the header's CreDt, the instant the
 * reject was made (no clock read here: deterministic).
 *
 * Whatever may echo the hostile input being rejected (the description, and
 * the reference, which may be the raw text of an id that failed validation)
 * is made safe instead of refused: characters XML cannot carry are dropped,
 * markup is escaped, and it is cut to the schema's length on a code point
 * boundary. When nothing is left of the description, RsnDesc is left out
 * (the schema wants at least one character). The reason is ours, a fixed
 * code, so a bad one is a programming error and throws.
 */
import { renderEnvelope, createdText, type EnvelopeFields } from './envelope.js';
import { ADMI002_MSG_DEF_IDR, ADMI002_NAMESPACE } from './message.js';
import { escapeText as x, stripInvalidXmlChars } from './xml.js';

export interface Admi002Reject {
  /** BizMsgIdr of the rejected message; null when it could not be read at all. */
  rejectedBizMsgIdr: string | null;
  /** RjctgPtyRsn: a short code. */
  reason: string;
  /** RsnDesc: free text, may quote the bad input. */
  description: string;
}

/**
 * RltdRef/Ref is required. With no readable BizMsgIdr we write ISO 20022's
 * conventional "NOTPROVIDED" (the value its guidelines give for a reference
 * the sender does not have) rather than invent an id.
 */
export const ADMI002_NO_REFERENCE = 'NOTPROVIDED';

const REASON = /^[A-Za-z0-9]{1,35}$/;

/** `value` reduced to what XML can carry and cut to `max` code points, so no surrogate pair is split. */
function safeText(value: string, max: number): string {
  const clean = stripInvalidXmlChars(value);
  return clean.length <= max ? clean : (new RegExp(`^[^]{0,${max}}`, 'u').exec(clean)?.[0] ?? '');
}

export function renderAdmi002(reject: Admi002Reject, header: EnvelopeFields): string {
  if (!REASON.test(reject.reason)) throw new RangeError(`reason ${JSON.stringify(reject.reason)} is not a 1-35 character code`);
  const ref = safeText(reject.rejectedBizMsgIdr ?? '', 33) || ADMI002_NO_REFERENCE;
  const description = safeText(reject.description, 350);
  const created = createdText(header);
  return renderEnvelope(
    ADMI002_NAMESPACE,
    ADMI002_MSG_DEF_IDR,
    header,
    `<admi.002.001.01><RltdRef><Ref>${x(ref)}</Ref></RltdRef>` +
      `<Rsn><RjctgPtyRsn>${reject.reason}</RjctgPtyRsn><RjctnDtTm>${created}</RjctnDtTm>` +
      (description === '' ? '' : `<RsnDesc>${x(description)}</RsnDesc>`) +
      `</Rsn></admi.002.001.01>`,
  );
}
