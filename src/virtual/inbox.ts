/**
 * A virtual participant collects its stream as a bank does: through the
 * stream engine, ICOM face, batch after batch until it is empty, then closes
 * the stream. Each pacs.008 and pacs.004 addressed to it is answered by its
 * profile: the answers are planned (sql/answers.ts) before the batch is
 * acknowledged by the next pull, so a crash in between redelivers the batch
 * and plans the same answers again (seeded.ts), which the plan's key keeps
 * once. Reports and rejections it receives are only acknowledged.
 */
import type { Queryable } from '../db/database.js';
import { newBizMsgIdr } from '../iso20022/ids.js';
import { readInbound } from '../iso20022/inbound.js';
import { centsOf } from '../spi/money.js';
import type { StreamService } from '../stream/service.js';
import { drawAnswer, type Profile } from './profile.js';
import { seededRandom } from './seeded.js';
import { planAnswers, type PlannedAnswer } from './sql/answers.js';

const BATCH = 100;
/** Never waits: an empty stream answers at once. */
const NO_WAIT = AbortSignal.abort();
/** A second answer follows the first by this much. */
const DUPLICATE_AFTER_MS = 100;

type Instruction = { instructionId: string; endToEndId: string; amountCents: number; kind: 'pacs.008' | 'pacs.004' };

function instructionOf(xml: string): Instruction | null {
  let m;
  try {
    m = readInbound(xml);
  } catch {
    return null; // not a document the SPI would send it to answer
  }
  if (m.kind === 'pacs.008') return { instructionId: m.message.endToEndId, endToEndId: m.message.endToEndId, amountCents: centsOf(m.message.valor), kind: m.kind };
  if (m.kind === 'pacs.004') return { instructionId: m.returnId, endToEndId: m.originalEndToEndId, amountCents: centsOf(m.amount), kind: m.kind };
  return null;
}

/** The answers `ispb` plans for one delivered document, fetched at `fetchedAt`. */
export function plansFor(ispb: string, profile: Profile, xml: string, fetchedAt: number): PlannedAnswer[] {
  const i = instructionOf(xml);
  if (!i) return [];
  const draw = drawAnswer(profile, seededRandom(`${ispb}:${i.instructionId}`));
  if (draw.answer === 'none') return [];
  const plan = (kind: PlannedAnswer['kind'], atMs: number, reason: string | null, amountCents: number | null): PlannedAnswer => {
    const dueAt = new Date(atMs);
    return { ispb, instructionId: kind === 'return' ? i.endToEndId : i.instructionId, endToEndId: i.endToEndId, kind, reason, amountCents, bizMsgIdr: newBizMsgIdr(ispb, dueAt, `${i.instructionId}:${kind}`), dueAt };
  };
  const answeredAt = fetchedAt + draw.delayMs;
  const plans = [plan(draw.answer, answeredAt, draw.reason, null)];
  if (draw.duplicate) plans.push(plan('duplicate', answeredAt + DUPLICATE_AFTER_MS, null, null));
  if (draw.returnAfterMs !== null && i.kind === 'pacs.008') plans.push(plan('return', answeredAt + draw.returnAfterMs, profile.returnReason, i.amountCents));
  return plans;
}

/**
 * Drains `ispb`'s stream, planning its answers; the number of documents it
 * fetched. Once `stopping()` says so it closes the stream after the batch in
 * hand (its answers planned, so the close acknowledges it) and leaves the rest
 * pending: a shutdown waits for one batch, not for a whole backlog.
 */
export async function drainInbox(db: Queryable, streams: StreamService, ispb: string, profile: Profile, stopping: () => boolean = () => false): Promise<number> {
  const options = { face: 'icom' as const, batchSize: BATCH };
  let fetched = 0;
  let delivery = await streams.start(ispb, options, NO_WAIT);
  while (delivery) {
    const at = Date.now();
    const messages = delivery.payload.face === 'icom' ? delivery.payload.messages : [];
    await planAnswers(db, messages.flatMap((m) => plansFor(ispb, profile, m.xml, at)));
    fetched += messages.length;
    const next = stopping() ? null : await streams.pullNext(ispb, delivery.iterationId, options, NO_WAIT);
    if (!next) await streams.close(ispb, delivery.iterationId, 'icom');
    delivery = next;
  }
  return fetched;
}
