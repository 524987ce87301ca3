/**
 * A pacs.008 as a participant's own system writes one from the catalogue
 * (pacs.008.spi.1.16), not with pix-stream's renderer: indented, with the
 * optional elements left out or put in as each test asks, and the namespace
 * carried by a prefix when asked (`env:Envelope xmlns:env="…"`).
 */
import { newBizMsgIdr, newEndToEndId } from '../../src/iso20022/ids';

export const PACS008_NS = 'https://www.bcb.gov.br/pi/pacs.008/1.16';

export interface BankPacs008 {
  payer: string;
  receiver: string;
  instrument?: 'MANU' | 'DICT' | 'QRDN' | 'QRES' | 'INIC' | 'AUTO' | 'APDN' | 'APES';
  txId?: string;
  creditorName?: string;
  /** Pix key, CdtrAcct/Prxy/Id. */
  key?: string;
  debtorBranch?: string | null;
  creditorBranch?: string | null;
  creditorAccount?: string;
  creditorDocument?: string;
  accountType?: string;
  /** The prefix the namespace is bound to; none: the default namespace. */
  prefix?: string;
  amount?: string;
}

export interface Built {
  xml: string;
  bizMsgIdr: string;
  endToEndId: string;
}

export function bankPacs008(o: BankPacs008): Built {
  const now = new Date();
  const created = now.toISOString();
  const bizMsgIdr = newBizMsgIdr(o.payer, now);
  const endToEndId = newEndToEndId(o.payer, now);
  const p = o.prefix ? `${o.prefix}:` : '';
  const t = (name: string, inner: string) => `<${p}${name}>${inner}</${p}${name}>`;
  const fi = (ispb: string) => t('FIId', t('FinInstnId', t('Othr', t('Id', ispb))));
  const member = (ispb: string) => t('FinInstnId', t('ClrSysMmbId', t('MmbId', ispb)));
  const branch = (b: string | null | undefined) => (b === null ? '' : t('Issr', b ?? '0001'));
  const xmlns = o.prefix ? `xmlns:${o.prefix}="${PACS008_NS}"` : `xmlns="${PACS008_NS}"`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<${p}Envelope ${xmlns}>
  ${t('AppHdr', `
    ${t('Fr', fi(o.payer))}
    ${t('To', fi('00038166'))}
    ${t('BizMsgIdr', bizMsgIdr)}
    ${t('MsgDefIdr', 'pacs.008.spi.1.16')}
    ${t('CreDt', created)}
    <${p}Sgntr/>
  `)}
  ${t('Document', t('FIToFICstmrCdtTrf', `
    ${t('GrpHdr', `${t('MsgId', bizMsgIdr)}${t('CreDtTm', created)}${t('NbOfTxs', '1')}${t('SttlmInf', t('SttlmMtd', 'CLRG'))}${t('PmtTpInf', t('InstrPrty', 'HIGH') + t('SvcLvl', t('Prtry', 'PAGPRI')))}`)}
    ${t('CdtTrfTxInf', `
      ${t('PmtId', t('EndToEndId', endToEndId) + (o.txId === undefined ? '' : t('TxId', o.txId)))}
      <${p}IntrBkSttlmAmt Ccy="BRL">${o.amount ?? '25.90'}</${p}IntrBkSttlmAmt>
      ${t('AccptncDtTm', created)}
      ${t('ChrgBr', 'SLEV')}
      ${t('MndtRltdInf', t('Tp', t('LclInstrm', t('Prtry', o.instrument ?? 'MANU'))))}
      ${t('Dbtr', t('Nm', 'Maria das Dores') + t('Id', t('PrvtId', t('Othr', t('Id', '52998224725')))))}
      ${t('DbtrAcct', t('Id', t('Othr', t('Id', '102030') + branch(o.debtorBranch))) + t('Tp', t('Cd', 'CACC')))}
      ${t('DbtrAgt', member(o.payer))}
      ${t('CdtrAgt', member(o.receiver))}
      ${t('Cdtr', (o.creditorName === undefined ? '' : t('Nm', o.creditorName)) + t('Id', t('PrvtId', t('Othr', t('Id', o.creditorDocument ?? '11444777000161')))))}
      ${t('CdtrAcct', t('Id', t('Othr', t('Id', o.creditorAccount ?? '998877') + branch(o.creditorBranch))) + t('Tp', t('Cd', o.accountType ?? 'TRAN')) + (o.key === undefined ? '' : t('Prxy', t('Id', o.key))))}
      ${t('Purp', t('Cd', 'IPAY'))}
    `)}
  `))}
</${p}Envelope>`;
  return { xml, bizMsgIdr, endToEndId };
}
