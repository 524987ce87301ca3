/**
 * The payer A: posts the run's credit transfers, `batch` per request and
 * `concurrency` requests in flight, each built just before it is sent (so a
 * large run does not hold every document in memory); and what its collectors
 * do with a batch: take in B's reports.
 *
 * "Posted" is the instant the request goes out, the moment a bank hands the
 * transfer to the SPI; "accepted" the instant its 201 arrives.
 */
import type { IcomMessage } from '../../client/index.js';
import type { FlowOptions } from './args.js';
import type { Ledger } from './ledger.js';
import { buildTransfer, readDelivered } from './messages.js';
import { PostAborted, postMessages, type PostTarget } from './post.js';

/** Posts every transfer; throws the first failure (the others stop with the run's signal). */
export async function postTransfers(options: FlowOptions, ledger: Ledger, target: PostTarget): Promise<void> {
  let unclaimed = options.count;
  const worker = async () => {
    while (unclaimed > 0 && !target.signal.aborted) {
      const size = Math.min(options.batch, unclaimed);
      unclaimed -= size;
      const transfers = Array.from({ length: size }, () => buildTransfer(options.payer, options.receiver));
      const ids = transfers.map((transfer) => transfer.endToEndId);
      for (const id of ids) ledger.plan(id);
      ledger.sent(ids, performance.now());
      await postMessages(target, options.payer, transfers.map((transfer) => transfer.xml));
      ledger.accepted(ids, performance.now());
    }
  };
  const workers = await Promise.allSettled(Array.from({ length: options.concurrency }, worker));
  const failed = workers.find((w): w is PromiseRejectedResult => w.status === 'rejected' && !(w.reason instanceof PostAborted));
  if (failed) throw failed.reason;
}

export function payerHandler(ledger: Ledger): (messages: IcomMessage[], at: number, duplicates: number) => void {
  return (messages, at, duplicates) => {
    ledger.duplicates.atPayer += duplicates;
    for (const message of messages) {
      const read = readDelivered(message.xml);
      if (read.kind === 'admi.002') ledger.refusals.push(`to the payer: ${read.description}`);
      else if (read.kind !== 'pacs.002' || read.status === 'ACCC' || ledger.report(read.endToEndId, message.resourceId, read.status, at) === null) ledger.other.atPayer += 1;
    }
  };
}
