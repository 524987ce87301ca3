/** A settlements row as the SPI's code sees it (migrations/…-spi-settlement.js). */
export interface Settlement {
  instructionId: string;
  kind: 'pacs.008' | 'pacs.004';
  originalEndToEndId: string;
  /** Sent the instruction; debited on settlement. */
  debtorIspb: string;
  /** Must answer it; credited on settlement. */
  creditorIspb: string;
  amountCents: number;
  acceptedAt: Date;
  receivedAt: Date;
  deadlineAt: Date;
  state: 'pending' | 'settled' | 'rejected';
  reason: string | null;
  requestBizMsgIdr: string;
  answerBizMsgIdr: string | null;
  decidedAt: Date | null;
  returnedCents: number;
}

export const SETTLEMENT_COLUMNS = `instruction_id AS "instructionId", kind, original_end_to_end_id AS "originalEndToEndId",
  debtor_ispb AS "debtorIspb", creditor_ispb AS "creditorIspb", amount_cents::float8 AS "amountCents",
  accepted_at AS "acceptedAt", received_at AS "receivedAt", deadline_at AS "deadlineAt", state, reason,
  request_biz_msg_idr AS "requestBizMsgIdr", answer_biz_msg_idr AS "answerBizMsgIdr", decided_at AS "decidedAt",
  returned_cents::float8 AS "returnedCents"`;
