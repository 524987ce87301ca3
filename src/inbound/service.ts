/**
 * Messages participants post (ICOM inbound): read and check each one, route
 * it, store the request's messages together, answer their PI-ResourceIds.
 *
 *   pacs.008  to its creditor agent (CdtrAgt); also a challenge message, its
 *             JSON form read from the XML (parties stored as clients)
 *   pacs.002  status report, and pacs.004 return: to the participant that
 *             sent the credit transfer named by OrgnlEndToEndId; only that
 *             transfer's receiver may send them
 * Every message is stored byte for byte as posted. A request is all or
 * nothing: one bad message and nothing is stored, the request is answered
 * with a problem naming it, and the sender gets an admi.002 in its stream.
 * A BizMsgIdr already stored (a sender's retry) answers the PI-ResourceId it
 * got then and stores nothing, whichever process took the first post.
 */
import type { Database, Queryable } from '../db/database.js';
import { newBizMsgIdr } from '../iso20022/ids.js';
import { Iso20022ReadError } from '../iso20022/read.js';
import { readInbound, type InboundMessage } from '../iso20022/inbound.js';
import { renderAdmi002 } from '../iso20022/admi002.js';
import { renderMessageJson, SPI_ISPB } from '../iso20022/message.js';
import type { Waker } from '../stream/wakes.js';
import { RejectedMessage } from './errors.js';
import { findTransfers } from './sql/find-transfers.js';
import { findPosted, insertPosted, type PostedRow } from './sql/insert-posted.js';
import { insertRejection } from './sql/insert-rejection.js';
import { upsertParties } from './sql/upsert-parties.js';

// The admi.002 names the message it rejects when its BizMsgIdr can be made out, even if the rest cannot be read.
const BIZ_MSG_IDR = /<BizMsgIdr>(M[0-9A-Z]{8}[a-zA-Z0-9]{23})<\/BizMsgIdr>/;

function read(xml: string, part: number | null): InboundMessage {
  try {
    return readInbound(xml);
  } catch (err) {
    if (!(err instanceof Iso20022ReadError)) throw err;
    const malformed = ['forbidden-dtd', 'forbidden-cdata', 'malformed'].includes(err.problem);
    throw new RejectedMessage(part, err.field, err.detail, malformed, BIZ_MSG_IDR.exec(xml)?.[1] ?? null);
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

export class InboundService {
  constructor(
    private readonly db: Database,
    private readonly waker: Waker,
  ) {}

  /** Stores the posted documents (all or none); returns their PI-ResourceIds in order. */
  async accept(sender: string, documents: readonly string[]): Promise<string[]> {
    const part = (index: number) => (documents.length > 1 ? index : null);
    try {
      const messages = documents.map((xml, index) => read(xml, part(index)));
      messages.forEach((message, index) => checkEnvelope(message, sender, part(index)));
      const stored = await this.db.transaction(async (client) => {
        const rows = await this.route(client, sender, messages, documents, part);
        return this.store(client, rows, part);
      });
      this.waker.wake(stored.receivers);
      return stored.ids;
    } catch (err) {
      if (err instanceof RejectedMessage) await this.sendRejection(sender, err);
      throw err;
    }
  }

  /** Each message as a row in its receiver's queue. */
  private async route(db: Queryable, sender: string, messages: InboundMessage[], documents: readonly string[], part: (i: number) => number | null): Promise<PostedRow[]> {
    const referred = messages.flatMap((m) => (m.kind === 'pacs.008' ? [] : [m.originalEndToEndId]));
    const transfers = referred.length > 0 ? await findTransfers(db, referred) : new Map();
    const credits = messages.flatMap((m) => (m.kind === 'pacs.008' ? [m.message.pagador, m.message.recebedor] : []));
    const clientIds = credits.length > 0 ? await upsertParties(db, credits) : [];
    let nextClient = 0;
    return messages.map((m, index): PostedRow => {
      const base = { senderIspb: sender, bizMsgIdr: m.header.bizMsgIdr, xml: documents[index] };
      const reject = (field: string, reason: string): never => {
        throw new RejectedMessage(part(index), field, reason, false, m.header.bizMsgIdr);
      };
      if (m.kind === 'pacs.008') {
        const { message } = m;
        const tx = 'Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf';
        if (message.pagador.ispb !== sender) reject(`${tx}/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId`, `the debtor agent must be the sender ${sender}`);
        if (message.endToEndId.slice(1, 9) !== sender) reject(`${tx}/PmtId/EndToEndId`, `must carry the sender's ISPB ${sender}`);
        const [payerId, receiverId] = [clientIds[nextClient++], clientIds[nextClient++]];
        const transfer = { valor: message.valor, payerId, receiverId, campoLivre: message.campoLivre, txId: message.txId, paidAt: message.dataHoraPagamento, json: renderMessageJson(message) };
        return { ...base, kind: 'pacs.008', receiverIspb: message.recebedor.ispb, endToEndId: message.endToEndId, transfer };
      }
      const original = transfers.get(m.originalEndToEndId);
      const field = m.kind === 'pacs.002' ? 'Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts/OrgnlEndToEndId' : 'Envelope/Document/PmtRtr/TxInf/OrgnlEndToEndId';
      if (!original) return reject(field, `no credit transfer ${m.originalEndToEndId} is known`);
      if (original.receiver !== sender) reject(field, `only the receiver of ${m.originalEndToEndId} (${original.receiver}) may answer it`);
      return { ...base, kind: m.kind, receiverIspb: original.sender, endToEndId: m.originalEndToEndId, transfer: null };
    });
  }

  /**
   * Inserts new messages; a retried BizMsgIdr answers its stored id; an EndToEndId taken by another message rejects the request.
   * Returns the PI-ResourceIds in order, and the receivers of the messages inserted (to wake once committed).
   */
  private async store(db: Queryable, rows: PostedRow[], part: (i: number) => number | null): Promise<{ ids: string[]; receivers: Set<string> }> {
    const unique = [...new Map(rows.map((row) => [row.bizMsgIdr, row])).values()];
    const inserted = await insertPosted(db, unique);
    const missing = unique.filter((row) => !inserted.has(row.bizMsgIdr)).map((row) => row.bizMsgIdr);
    const retried = missing.length > 0 ? await findPosted(db, missing) : new Map<string, string>();
    const ids = rows.map((row, index) => {
      const id = inserted.get(row.bizMsgIdr)?.resourceId ?? retried.get(row.bizMsgIdr);
      if (id === undefined) {
        throw new RejectedMessage(part(index), 'Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/PmtId/EndToEndId', `${row.endToEndId} was already used by another credit transfer`, false, row.bizMsgIdr);
      }
      return id;
    });
    return { ids, receivers: new Set([...inserted.values()].map((row) => row.receiverIspb)) };
  }

  /** The SPI's answer to a message it would not take: an admi.002 in the sender's stream. */
  private async sendRejection(sender: string, rejected: RejectedMessage): Promise<void> {
    const at = new Date();
    const xml = renderAdmi002(
      { rejectedBizMsgIdr: rejected.bizMsgIdr, reason: rejected.malformed ? 'MALF' : 'INVL', description: rejected.message },
      { bizMsgIdr: newBizMsgIdr(SPI_ISPB, at), from: SPI_ISPB, to: sender, createdAt: at },
    );
    await insertRejection(this.db, sender, xml);
    this.waker.wake([sender]);
  }
}
