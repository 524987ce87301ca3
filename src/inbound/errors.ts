/**
 * A posted message pix-stream will not take, in its own words: which part of
 * the request (0-based, null for a single message), which field (an XML
 * path), and why. `malformed` means it could not be read at all (not XML, a
 * DOCTYPE, a broken character): the face answers 400; a readable message
 * that breaks a rule is 422. Either way nothing of the request is stored,
 * and the sender receives an admi.002 in its stream, as from the real SPI.
 */
export class RejectedMessage extends Error {
  constructor(
    readonly part: number | null,
    readonly field: string | undefined,
    readonly reason: string,
    readonly malformed: boolean,
    /** The rejected message's BizMsgIdr, when it could be read. */
    readonly bizMsgIdr: string | null = null,
  ) {
    super(`${part === null ? '' : `part ${part + 1}: `}${field ? `${field}: ` : ''}${reason}`);
    this.name = 'RejectedMessage';
  }
}
