/**
 * The receiver B: what its collectors do with a batch. Each credit transfer
 * of this run is answered with a pacs.002 (RJCT with the chosen reason for
 * the share the ledger picked, else ACSP), all of a batch's answers in one
 * post (a batch holds at most 10, ICOM inbound's limit per request), posted
 * before the batch is acknowledged.
 *
 * A transfer delivered again gets the very same report again (same
 * BizMsgIdr, same CreDt): the API takes it as a retry and stores nothing, so
 * A still gets one report, whether or not the first answer got through.
 * Transfers that are not of this run are counted, not answered. A settling
 * SPI's ACCC on a transfer of this run is its confirmation, booked.
 */
import type { IcomMessage } from '../../client/index.js';
import type { Ledger } from './ledger.js';
import { buildReport, newReportHeader, readDelivered, type ReportHeader } from './messages.js';
import { postMessages, type PostTarget } from './post.js';

export interface ReceiverSettings {
  receiver: string;
  rejectReason: string;
  ledger: Ledger;
  target: PostTarget;
}

export function receiverHandler(settings: ReceiverSettings): (messages: IcomMessage[], at: number, duplicates: number) => Promise<void> {
  const { receiver, ledger } = settings;
  /** The header of each transfer's report, made on its first answer. */
  const headers = new Map<string, ReportHeader>();

  return async (messages, at, duplicates) => {
    ledger.duplicates.atReceiver += duplicates;
    const reports: string[] = [];
    let firstAnswers = 0;
    for (const message of messages) {
      const read = readDelivered(message.xml);
      if (read.kind === 'admi.002') {
        ledger.refusals.push(`to the receiver: ${read.description}`);
        continue;
      }
      if (read.kind === 'pacs.002' && read.status === 'ACCC') {
        if (ledger.confirm(read.endToEndId, message.resourceId, at) === null) ledger.other.atReceiver += 1;
        continue;
      }
      const arrival = read.kind === 'pacs.008' ? ledger.receive(read.endToEndId, message.resourceId, at) : null;
      if (read.kind !== 'pacs.008' || arrival === null) {
        ledger.other.atReceiver += 1;
        continue;
      }
      if (arrival === 'doubled') continue; // one answer per transfer: the second message is the fault being counted
      let header = headers.get(read.endToEndId);
      if (!header) {
        header = newReportHeader(receiver);
        headers.set(read.endToEndId, header);
        firstAnswers += 1;
      }
      reports.push(buildReport(receiver, read.endToEndId, ledger.rejects(read.endToEndId) ? settings.rejectReason : null, header));
    }
    if (reports.length === 0) return;
    await postMessages(settings.target, receiver, reports);
    ledger.answered += firstAnswers;
  };
}
