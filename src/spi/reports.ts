/**
 * The SPI's own messages about an instruction, as rows for the streams of the
 * participants concerned (docs/spi.md, The flow):
 *   settled   ACSC to the debtor (who sent the instruction), ACCC to the
 *             creditor (who answered it), both with the settlement's instant
 *   rejected  RJCT with the reason to the debtor; the SPI's own rejections
 *             (AB03, AM04) to the creditor too, which had answered or was due to
 * `answersFor` is the posted BizMsgIdr the first row answers for (a repost
 * of it then finds that row), or null.
 */
import { newBizMsgIdr, newResourceId } from '../iso20022/ids.js';
import { SPI_ISPB } from '../iso20022/message.js';
import { renderPacs002, type Pacs002Status } from '../iso20022/pacs002.js';
import type { Handled } from '../inbound/handled.js';
import type { OutboundRow } from '../inbound/sql/insert-posted.js';
import type { Settlement } from './sql/settlement-row.js';

type Instruction = Pick<Settlement, 'instructionId' | 'originalEndToEndId' | 'debtorIspb' | 'creditorIspb'>;

function report(s: Instruction, to: string, status: Pacs002Status, at: Date, extra: { reason?: string; additionalInfo?: string; settledAt?: Date }, answersFor: string | null): OutboundRow {
  const header = { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to, createdAt: at };
  const xml = renderPacs002({ originalEndToEndId: s.originalEndToEndId, originalInstructionId: s.instructionId, status, ...extra }, header);
  return { kind: 'pacs.002', receiverIspb: to, senderIspb: null, bizMsgIdr: answersFor, endToEndId: s.originalEndToEndId, xml, resourceId: newResourceId(at), transfer: null };
}

export function settledReports(s: Instruction, at: Date, answersFor: string | null): OutboundRow[] {
  return [report(s, s.debtorIspb, 'ACSC', at, { settledAt: at }, answersFor), report(s, s.creditorIspb, 'ACCC', at, { settledAt: at }, null)];
}

/** RJCT to the debtor; with `both`, to the creditor as well. */
export function rejectedReports(s: Instruction, reason: string, additionalInfo: string, at: Date, answersFor: string | null, both: boolean): OutboundRow[] {
  const rows = [report(s, s.debtorIspb, 'RJCT', at, { reason, additionalInfo }, answersFor)];
  if (both) rows.push(report(s, s.creditorIspb, 'RJCT', at, { reason, additionalInfo }, null));
  return rows;
}

/** The instruction settled now: its reports, and the decision for the metrics. */
export function settlement(s: Instruction & Pick<Settlement, 'acceptedAt'>, at: Date, answersFor: string | null): Handled {
  return { rows: settledReports(s, at, answersFor), decided: { outcome: 'settled', seconds: (at.getTime() - s.acceptedAt.getTime()) / 1000 } };
}

/** The instruction rejected now with `reason`: its reports (rejectedReports), and the decision for the metrics. */
export function rejection(s: Instruction, reason: string, additionalInfo: string, at: Date, answersFor: string | null, both: boolean): Handled {
  return { rows: rejectedReports(s, reason, additionalInfo, at, answersFor, both), decided: { outcome: 'rejected', reason } };
}
