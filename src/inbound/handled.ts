/**
 * What handling one posted message comes to, in either mode (relay.ts, or
 * the SPI's ../spi/take.ts):
 *   rows        the messages it puts in participants' streams; the first one
 *               answers for the post (its PI-ResourceId is the post's, and it
 *               carries the posted BizMsgIdr, so a repost finds it); `decided`
 *               when it decided an instruction (for the metrics, once committed)
 *   repost      the message is one already taken (a concurrent repost of the
 *               same BizMsgIdr): answered with the stored PI-ResourceId
 *   a RejectedMessage, answered with an admi.002
 */
import type { Queryable } from '../db/database.js';
import type { InboundMessage } from '../iso20022/inbound.js';
import type { RejectedMessage } from './errors.js';
import type { OutboundRow } from './sql/insert-posted.js';

/** An instruction the SPI settled or rejected: the reason code of a rejection, the seconds from acceptance to settlement. */
export type Decided = { outcome: 'settled'; seconds: number } | { outcome: 'rejected'; reason: string };

export type Handled = { rows: OutboundRow[]; decided?: Decided } | { repost: true } | RejectedMessage;

/** The part of the request a message is (0-based), for its rejection's text; null for a request of one. */
export type PartOf = (message: InboundMessage) => number | null;

/** Handles a request's messages (already checked, none a known repost), in order, inside the request's transaction. */
export type Handler = (db: Queryable, sender: string, messages: readonly InboundMessage[], at: Date, partOf: PartOf) => Promise<Handled[]>;
