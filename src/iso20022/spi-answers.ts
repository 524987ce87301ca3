/**
 * The SPI's answers to queries, each in its catalogue 5.13 version
 * (message.ts), in the shape of schemas generated from the catalogue's XSDs:
 *
 *   camt.053 1.4  BkToCstmrStmt: GrpHdr, Stmt (Id = the request's MsgId,
 *                 Acct/Id/Othr/Id = the ISPB, Bal: Tp/CdOrPrtry/Prtry, Amt Ccy=BRL,
 *                 CdtDbtInd CRDT (a reserve account is never below zero), Dt/DtTm)
 *   camt.052 1.3  BkToCstmrAcctRpt: GrpHdr, Rpt (Id = the request's MsgId, Acct,
 *                 TxsSummry/TtlNtries/NbOfNtries, AddtlRptInf: where the entries
 *                 are, as the SPI names the statement file it makes)
 *   pibr.002 1.3  EchoRpt: GrpHdr, EchoTxInf/OrgnlData = the request's Data
 *
 * The balance's type: SADP, one of the six proprietary codes the schema
 * allows (PSSR, REMN, SABK, SADP, VSME, VVSR); the sources give no meanings,
 * and a reserve account here has one balance (docs/spi.md says so).
 */
import { renderEnvelope, createdText, type EnvelopeFields } from './envelope.js';
import { CAMT052_MSG_DEF_IDR, CAMT052_NAMESPACE, CAMT053_MSG_DEF_IDR, CAMT053_NAMESPACE, PIBR002_MSG_DEF_IDR, PIBR002_NAMESPACE } from './message.js';
import { escapeText as x, stripInvalidXmlChars } from './xml.js';

export const BALANCE_TYPE = 'SADP';

const grpHdr = (header: EnvelopeFields) => `<GrpHdr><MsgId>${x(header.bizMsgIdr)}</MsgId><CreDtTm>${createdText(header)}</CreDtTm></GrpHdr>`;
const account = (ispb: string) => `<Acct><Id><Othr><Id>${x(ispb)}</Id></Othr></Id></Acct>`;

export function renderCamt053(statement: { requestMsgId: string; ispb: string; balance: string; at: Date }, header: EnvelopeFields): string {
  return renderEnvelope(
    CAMT053_NAMESPACE,
    CAMT053_MSG_DEF_IDR,
    header,
    `<BkToCstmrStmt>${grpHdr(header)}<Stmt><Id>${x(statement.requestMsgId)}</Id>${account(statement.ispb)}` +
      `<Bal><Tp><CdOrPrtry><Prtry>${BALANCE_TYPE}</Prtry></CdOrPrtry></Tp><Amt Ccy="BRL">${x(statement.balance)}</Amt>` +
      `<CdtDbtInd>CRDT</CdtDbtInd><Dt><DtTm>${statement.at.toISOString()}</DtTm></Dt></Bal></Stmt></BkToCstmrStmt>`,
  );
}

export function renderCamt052(report: { requestMsgId: string; ispb: string; entries: number; where: string }, header: EnvelopeFields): string {
  return renderEnvelope(
    CAMT052_NAMESPACE,
    CAMT052_MSG_DEF_IDR,
    header,
    `<BkToCstmrAcctRpt>${grpHdr(header)}<Rpt><Id>${x(report.requestMsgId)}</Id>${account(report.ispb)}` +
      `<TxsSummry><TtlNtries><NbOfNtries>${report.entries}</NbOfNtries></TtlNtries></TxsSummry>` +
      `<AddtlRptInf>${x(report.where.slice(0, 500))}</AddtlRptInf></Rpt></BkToCstmrAcctRpt>`,
  );
}

export function renderPibr002(echo: { data: string }, header: EnvelopeFields): string {
  return renderEnvelope(PIBR002_NAMESPACE, PIBR002_MSG_DEF_IDR, header, `<EchoRpt>${grpHdr(header)}<EchoTxInf><OrgnlData>${x(stripInvalidXmlChars(echo.data))}</OrgnlData></EchoTxInf></EchoRpt>`);
}
