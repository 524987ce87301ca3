/**
 * A posted message pix-stream will not take, in its own words: which part of
 * the request (0-based, null for a single message), which field (an XML path),
 * and why. It is not an HTTP answer: as the ICOM manual has it, the interface
 * stores what it is sent (201) and the SPI answers a message it cannot process
 * with an admi.002 on the sender's stream (rejections.ts), so a refused message
 * is told once, there. Nothing of it is stored but that admi.002.
 */
export class RejectedMessage extends Error {
  constructor(
    readonly part: number | null,
    readonly field: string | undefined,
    readonly reason: string,
    /** It could not be read at all (not XML, a DOCTYPE, a broken character). */
    readonly malformed: boolean,
    /** The rejected message's BizMsgIdr, when it could be read. */
    readonly bizMsgIdr: string | null = null,
  ) {
    super(`${part === null ? '' : `part ${part + 1}: `}${field ? `${field}: ` : ''}${reason}`);
    this.name = 'RejectedMessage';
  }
}
