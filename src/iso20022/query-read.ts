/**
 * The queries a participant sends the SPI, as readInbound reads them:
 *   camt.060 1.9  account reporting request (AcctRptgReq/RptgReq): camt.053 for
 *                 the balance, camt.052 for the entries of a period (RptgPrd/FrToDt,
 *                 FrDt to ToDt, by default one day), of the requester's own account
 *                 (AcctOwnr/Agt/FinInstnId/ClrSysMmbId/MmbId)
 *   pibr.001 1.3  echo request (EchoReq/EchoTxInf/Data, 1-35 characters)
 */
import { ISPB, el, Iso20022ReadError, optionalText, text, type EnvelopeHeader, type Node } from './read.js';

export interface AccountQuery {
  kind: 'camt.060';
  header: EnvelopeHeader;
  /** camt.053: the balance; camt.052: the entries of [from, to] (dates, UTC, inclusive). */
  requested: 'camt.053' | 'camt.052';
  account: string;
  from: string | null;
  to: string | null;
}

export interface EchoRequest {
  kind: 'pibr.001';
  header: EnvelopeHeader;
  data: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function date(node: Node, path: string, name: string, required: boolean): string | null {
  const value = required ? text(node, path, [name], DATE) : optionalText(node, path, [name], DATE);
  if (value !== null && new Date(`${value}T00:00:00.000Z`).toISOString().slice(0, 10) !== value) {
    throw new Iso20022ReadError('invalid', `${path}/${name}`, `${value} is not a real date`);
  }
  return value;
}

export function readAccountQuery(body: Node, path: string, header: EnvelopeHeader): AccountQuery {
  const R = `${path}/RptgReq`;
  const request = el(body, path, 'RptgReq');
  // camt.054 (one entry) is in the schema too; this SPI answers the two above.
  const requested = text(request, R, ['ReqdMsgNmId'], /^(camt\.053|camt\.052)$/) as AccountQuery['requested'];
  const account = text(request, R, ['AcctOwnr', 'Agt', 'FinInstnId', 'ClrSysMmbId', 'MmbId'], ISPB);
  const period = optionalText(request, R, ['RptgPrd', 'Tp'], /^ALLL$/) === null ? null : el(request, R, 'RptgPrd', 'FrToDt');
  const P = `${R}/RptgPrd/FrToDt`;
  const from = period ? date(period, P, 'FrDt', true) : null;
  const to = period ? date(period, P, 'ToDt', false) : null;
  if (from !== null && to !== null && to < from) throw new Iso20022ReadError('invalid', `${P}/ToDt`, `${to} is before FrDt ${from}`);
  return { kind: 'camt.060', header, requested, account, from, to };
}

export function readEchoRequest(body: Node, path: string, header: EnvelopeHeader): EchoRequest {
  return { kind: 'pibr.001', header, data: text(body, path, ['EchoTxInf', 'Data'], /^[^]{1,35}$/u) };
}
