/**
 * Reads what the SPI delivers to a participant, for collectors of the
 * project's own (the CLI's rehearsal, the tests' bank stand-ins): everything
 * readInbound reads, plus the SPI's reports (pacs.002 ACSC, ACCC, RJCT) and
 * its rejections (admi.002). Tolerant like every reader here, strict about
 * what it returns; null for a document of another kind or one it cannot read.
 */
import { ADMI002_MSG_DEF_IDR, PACS002_MSG_DEF_IDR, PACS002_NAMESPACE } from './message.js';
import type { Pacs002Status } from './pacs002.js';
import { readStatusReport } from './pacs002-read.js';
import { el, has, Iso20022ReadError, parse, readAppHdr, text } from './read.js';

export interface DeliveredReport {
  originalEndToEndId: string;
  originalInstructionId: string;
  status: Pacs002Status;
  reason: string | null;
}

function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (err) {
    if (err instanceof Iso20022ReadError) return null;
    throw err;
  }
}

/** A pacs.002 of any status, the SPI's included. */
export function readReport(xml: string): DeliveredReport | null {
  return readOrNull(() => {
    const env = parse(xml);
    if (env.ns !== PACS002_NAMESPACE || text(env, 'Envelope', ['AppHdr', 'MsgDefIdr']) !== PACS002_MSG_DEF_IDR) return null;
    const path = 'Envelope/Document/FIToFIPmtStsRpt';
    const report = readStatusReport(el(env, 'Envelope', 'Document', 'FIToFIPmtStsRpt'), path, readAppHdr(env, PACS002_MSG_DEF_IDR), ['ACSP', 'RJCT', 'ACSC', 'ACCC']);
    return { originalEndToEndId: report.originalEndToEndId, originalInstructionId: report.originalInstructionId, status: report.status, reason: report.reason };
  });
}

/** An admi.002's reference and reason ("Ref: description"), or null when the document is not one. */
export function readRejection(xml: string): string | null {
  return readOrNull(() => {
    const env = parse(xml);
    if (text(env, 'Envelope', ['AppHdr', 'MsgDefIdr']) !== ADMI002_MSG_DEF_IDR) return null;
    const path = 'Envelope/Document/admi.002.001.01';
    const reject = el(env, 'Envelope', 'Document', 'admi.002.001.01');
    const rsn = el(reject, path, 'Rsn');
    return `${text(reject, path, ['RltdRef', 'Ref'])}: ${text(rsn, `${path}/Rsn`, [has(rsn, 'RsnDesc') ? 'RsnDesc' : 'RjctgPtyRsn'])}`;
  });
}
