/**
 * A participant talking to pix-stream's SPI, for the settlement tests: it
 * posts what a bank posts (a credit transfer, its answer to one, a return, a
 * query) and reads its stream, each message as a namespace-aware parser we
 * did not write reads it (spi-dom.ts).
 */
import { newBizMsgIdr, newReturnId } from '../../src/iso20022/ids';
import { renderEnvelope } from '../../src/iso20022/envelope';
import { CAMT060_MSG_DEF_IDR, CAMT060_NAMESPACE, PIBR001_MSG_DEF_IDR, PIBR001_NAMESPACE, SPI_ISPB } from '../../src/iso20022/message';
import { renderPacs004 } from '../../src/iso20022/pacs004';
import { icomDrain } from './icom-client';
import { creditTransfer, post, statusReport, type Built } from './icom-post';
import { spiView, textAt, type SpiView } from './spi-dom';

export interface Seen {
  view: SpiView;
  xml: string;
  resourceId: string;
  /** MsgDefIdr's message kind: pacs.008, pacs.002, admi.002, camt.053… */
  kind: string;
  /** For a pacs.002: TxSts, the reason, OrgnlInstrId, OrgnlEndToEndId, the settlement instant; a pacs.008's EndToEndId; a pacs.004's RtrId and OrgnlEndToEndId. */
  status?: string;
  reason?: string;
  instruction?: string;
  endToEndId?: string;
  settledAt?: string;
}

/** The DOM view is kept out of enumeration: jest's diff of a failed match cannot print xmldom nodes. */
function seen(xml: string, resourceId: string): Seen {
  const view = spiView(xml);
  const fields = readFields(view, xml, resourceId);
  return Object.defineProperty(fields, 'view', { value: view, enumerable: false }) as Seen;
}

function readFields(view: SpiView, xml: string, resourceId: string): Omit<Seen, 'view'> {
  const kind = view.header.msgDefIdr.split('.spi.')[0]!;
  if (kind === 'pacs.008') return { xml, resourceId, kind, endToEndId: textAt(view.body, view.ns, 'CdtTrfTxInf', 'PmtId', 'EndToEndId') };
  if (kind === 'pacs.004') return { xml, resourceId, kind, instruction: textAt(view.body, view.ns, 'TxInf', 'RtrId'), endToEndId: textAt(view.body, view.ns, 'TxInf', 'OrgnlEndToEndId') };
  if (kind !== 'pacs.002') return { xml, resourceId, kind };
  const tx = ['TxInfAndSts'];
  const opt = (...path: string[]) => {
    try {
      return textAt(view.body, view.ns, ...tx, ...path);
    } catch {
      return undefined;
    }
  };
  return { xml, resourceId, kind, status: opt('TxSts'), reason: opt('StsRsnInf', 'Rsn', 'Cd'), instruction: opt('OrgnlInstrId'), endToEndId: opt('OrgnlEndToEndId'), settledAt: opt('FctvIntrBkSttlmDt', 'DtTm') };
}

export class Bank {
  constructor(
    readonly url: string,
    readonly ispb: string,
  ) {}

  /** Posts documents; expects 201; returns the PI-ResourceIds. */
  async send(documents: string[]): Promise<string[]> {
    const reply = await post(this.url, this.ispb, documents);
    if (reply.status !== 201) throw new Error(`post answered ${reply.status}: ${reply.text}`);
    return reply.resourceIds;
  }

  async pay(to: string, valor: number): Promise<Built> {
    const transfer = creditTransfer(this.ispb, to, valor);
    await this.send([transfer.xml]);
    return transfer;
  }

  answerXml(endToEndId: string, status: 'ACSP' | 'RJCT', reason: string | null = null, instruction?: string): string {
    return statusReport(this.ispb, endToEndId, status, reason, instruction).xml;
  }

  async answer(endToEndId: string, status: 'ACSP' | 'RJCT', reason: string | null = null, instruction?: string): Promise<string[]> {
    return this.send([this.answerXml(endToEndId, status, reason, instruction)]);
  }

  /** Returns `amount` of the payment `endToEndId` this bank received; the RtrId. */
  async giveBack(endToEndId: string, amount: number, reason = 'MD06'): Promise<string> {
    const returnId = newReturnId(this.ispb);
    const xml = renderPacs004({ returnId, originalEndToEndId: endToEndId, amount, reason }, { bizMsgIdr: newBizMsgIdr(this.ispb), from: this.ispb, to: SPI_ISPB, createdAt: new Date() });
    await this.send([xml]);
    return returnId;
  }

  /**
   * A camt.060 as a participant writes one (GrpHdr, RptgReq with ReqdMsgNmId,
   * the account owner's ISPB and, for camt.052, a period of whole days).
   */
  queryXml(requested: 'camt.053' | 'camt.052', account = this.ispb, period?: { from: string; to?: string }): { xml: string; bizMsgIdr: string } {
    const bizMsgIdr = newBizMsgIdr(this.ispb);
    const createdAt = new Date();
    const range = period ? `<RptgPrd><FrToDt><FrDt>${period.from}</FrDt>${period.to ? `<ToDt>${period.to}</ToDt>` : ''}</FrToDt><Tp>ALLL</Tp></RptgPrd>` : '';
    const body =
      `<AcctRptgReq><GrpHdr><MsgId>${bizMsgIdr}</MsgId><CreDtTm>${createdAt.toISOString()}</CreDtTm></GrpHdr>` +
      `<RptgReq><ReqdMsgNmId>${requested}</ReqdMsgNmId><AcctOwnr><Agt><FinInstnId><ClrSysMmbId><MmbId>${account}</MmbId></ClrSysMmbId></FinInstnId></Agt></AcctOwnr>${range}</RptgReq></AcctRptgReq>`;
    return { xml: renderEnvelope(CAMT060_NAMESPACE, CAMT060_MSG_DEF_IDR, { bizMsgIdr, from: this.ispb, to: SPI_ISPB, createdAt }, body), bizMsgIdr };
  }

  /** A pibr.001 echo request carrying `data`. */
  echoXml(data: string): string {
    const bizMsgIdr = newBizMsgIdr(this.ispb);
    const createdAt = new Date();
    const body = `<EchoReq><GrpHdr><MsgId>${bizMsgIdr}</MsgId><CreDtTm>${createdAt.toISOString()}</CreDtTm></GrpHdr><EchoTxInf><Data>${data}</Data></EchoTxInf></EchoReq>`;
    return renderEnvelope(PIBR001_NAMESPACE, PIBR001_MSG_DEF_IDR, { bizMsgIdr, from: this.ispb, to: SPI_ISPB, createdAt }, body);
  }

  /** Drains the stream until `enough` holds of all it has seen (or `timeoutMs` passes); everything seen. */
  async inboxUntil(enough: (seen: Seen[]) => boolean, timeoutMs = 15_000): Promise<Seen[]> {
    const all: Seen[] = [];
    for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
      all.push(...(await this.inbox()));
      if (enough(all) || Date.now() > deadline) return all;
    }
  }

  /** Everything on the stream now (drained and acknowledged); `onEach` hears each message as it comes, even of a drain that then fails. */
  async inbox(onEach?: (message: Seen) => void): Promise<Seen[]> {
    const all: Seen[] = [];
    const onMessages = (messages: { xml: string; resourceId: string }[]) => {
      for (const m of messages) {
        const read = seen(m.xml, m.resourceId);
        all.push(read);
        onEach?.(read);
      }
    };
    await icomDrain(this.url, this.ispb, { multipart: true, onMessages });
    return all;
  }
}
