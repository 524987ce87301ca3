/**
 * A participant's sending side for the tests: credit transfers and status
 * reports built as a bank would (SPI envelope, Fr = itself, To = the SPI),
 * and POST /api/v1/in/{ispb}/msgs with one document, or several as
 * multipart/mixed written here by hand, optionally gzip-compressed.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { newBizMsgIdr, newEndToEndId } from '../../src/iso20022/ids';
import { SPI_ISPB } from '../../src/iso20022/message';
import { renderPacs002 } from '../../src/iso20022/pacs002';
import { renderPacs008 } from '../../src/iso20022/pacs008';
import { randomMessage, seeded } from './random-pix';

let seed = Date.now() % 1_000_000;

export interface Built {
  xml: string;
  bizMsgIdr: string;
  endToEndId: string;
}

/**
 * A payment of `payer` to `receiver` made now (its AccptncDtTm is now: a
 * settling SPI counts its deadline from it), of 0.01 to 1,000.00, with the
 * awkward parties and free text of random-pix.ts.
 */
export function creditTransfer(payer: string, receiver: string, valor?: number): Built {
  const random = seeded(seed++);
  const base = randomMessage(random);
  const endToEndId = newEndToEndId(payer);
  const amount = valor ?? Math.max(1, Math.floor(random() * 100_000)) / 100;
  const message = { ...base, endToEndId, valor: amount, dataHoraPagamento: new Date().toISOString(), pagador: { ...base.pagador, ispb: payer }, recebedor: { ...base.recebedor, ispb: receiver } };
  const bizMsgIdr = newBizMsgIdr(payer);
  return { xml: renderPacs008(message, { bizMsgIdr, from: payer, to: SPI_ISPB, createdAt: new Date() }), bizMsgIdr, endToEndId };
}

/** The transfer with an amount of three decimals, which inbound refuses (201, and an admi.002 naming IntrBkSttlmAmt). */
export function withThreeDecimalAmount(xml: string): string {
  return xml.replace(/(<IntrBkSttlmAmt Ccy="BRL">\d+\.\d\d)/, '$15');
}

/** `sender`'s answer on the payment `originalEndToEndId` (or on the return `originalInstructionId` of it). */
export function statusReport(sender: string, originalEndToEndId: string, status: 'ACSP' | 'RJCT', reason: string | null = null, originalInstructionId?: string): Built {
  const bizMsgIdr = newBizMsgIdr(sender);
  const xml = renderPacs002({ originalEndToEndId, originalInstructionId, status, reason }, { bizMsgIdr, from: sender, to: SPI_ISPB, createdAt: new Date() });
  return { xml, bizMsgIdr, endToEndId: originalEndToEndId };
}

export interface PostReply {
  status: number;
  resourceIds: string[];
  contentType: string | null;
  text: string;
}

export interface PostOptions {
  gzip?: boolean;
  /** Send even a single document as multipart/mixed. */
  multipart?: boolean;
  /** Override the Content-Type (of the request, or of every part). */
  contentType?: string;
  /** Raw body instead of one built from the documents. */
  rawBody?: Buffer;
  headers?: Record<string, string>;
}

function multipart(documents: string[], partType: string): { contentType: string; body: Buffer } {
  const boundary = `test-${randomBytes(12).toString('hex')}`;
  const parts = documents.map((xml) => `--${boundary}\r\nContent-Type: ${partType}\r\n\r\n${xml}\r\n`);
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`) };
}

export function post(baseUrl: string, ispb: string, documents: string[], options: PostOptions = {}): Promise<PostReply> {
  const single = documents.length === 1 && !options.multipart;
  let { contentType, body } = single
    ? { contentType: options.contentType ?? 'application/xml; charset=utf-8', body: Buffer.from(documents[0]) }
    : multipart(documents, options.contentType ?? 'application/xml');
  if (options.rawBody) body = options.rawBody;
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (options.gzip) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(`/api/v1/in/${ispb}/msgs`, baseUrl), { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const ids = String(res.headers['pi-resourceid'] ?? '');
        resolve({
          status: res.statusCode!,
          resourceIds: ids ? ids.split(/,\s*/) : [],
          contentType: res.headers['content-type'] ?? null,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
