import { XMLValidator } from 'fast-xml-parser';
import { renderAdmi002 } from '../../src/iso20022/admi002';
import { newBizMsgIdr, newEndToEndId, newReturnId } from '../../src/iso20022/ids';
import { Iso20022ReadError, readInbound } from '../../src/iso20022/inbound';
import * as V from '../../src/iso20022/message';
import { renderPacs002 } from '../../src/iso20022/pacs002';
import { renderPacs004 } from '../../src/iso20022/pacs004';
import { renderPacs008 } from '../../src/iso20022/pacs008';
import { readPacs008 } from '../../src/iso20022/pacs008-read';
import { thirdPartyXml as thirdParty, type N } from '../support/pacs008-third-party';
import { randomMessage, seeded } from '../support/random-pix';

const at = new Date('2026-11-24T15:30:12.345Z');
const PSP = '60701190';
const VIRTUAL = '99999A04'; // Bacen's virtual participant: ISPBs may hold letters
const header = (from = PSP, to = V.SPI_ISPB) => ({ bizMsgIdr: newBizMsgIdr(from, at), from, to, createdAt: at });
const readHeader = (h: ReturnType<typeof header>, msgDefIdr: string) => ({ ...h, msgDefIdr, createdAt: at.toISOString() });
const e2e = newEndToEndId(VIRTUAL, at);
/** What readInbound read, without the parsed tree it also hands back for forwarding. */
const read = (xml: string) => {
  const { envelope, xml: read, ...message } = readInbound(xml);
  expect(envelope.name).toBe('Envelope');
  expect(read).toBe(xml);
  return message;
};

test('pacs.002 ACSP and RJCT render, read back as the same values, and a third-party parser sees the 1.17 shape', () => {
  for (const report of [{ originalEndToEndId: e2e, status: 'ACSP' as const }, { originalEndToEndId: e2e, status: 'RJCT' as const, reason: 'AC03' }]) {
    const h = header();
    const xml = renderPacs002(report, h);
    expect(renderPacs002(report, h)).toBe(xml); // deterministic
    expect(read(xml)).toEqual({ kind: 'pacs.002', header: readHeader(h, V.PACS002_MSG_DEF_IDR), ...report, originalInstructionId: e2e, reason: report.reason ?? null });

    expect(XMLValidator.validate(xml)).toBe(true);
    const env = thirdParty.parse(xml).Envelope as N;
    expect(env['@_xmlns']).toBe('https://www.bcb.gov.br/pi/pacs.002/1.17');
    expect(env.AppHdr).toMatchObject({ BizMsgIdr: h.bizMsgIdr, MsgDefIdr: 'pacs.002.spi.1.17', CreDt: at.toISOString() });
    expect(env.AppHdr.Fr.FIId.FinInstnId.Othr.Id).toBe(PSP);
    const rpt = env.Document.FIToFIPmtStsRpt;
    expect(rpt.GrpHdr).toEqual({ MsgId: h.bizMsgIdr, CreDtTm: at.toISOString() });
    expect(rpt.TxInfAndSts).toEqual({
      OrgnlInstrId: e2e,
      OrgnlEndToEndId: e2e,
      TxSts: report.status,
      ...(report.status === 'RJCT' ? { StsRsnInf: { Rsn: { Cd: 'AC03' } } } : {}),
    });
  }
});

test('pacs.004 renders, reads back as the same values, and a third-party parser sees the 1.5 shape', () => {
  for (const amount of [0.01, 123.45, 9_999_999_999.99]) {
    const h = header();
    const ret = { returnId: newReturnId(PSP, at), originalEndToEndId: e2e, amount, reason: 'MD06' };
    const xml = renderPacs004(ret, h);
    expect(read(xml)).toEqual({ kind: 'pacs.004', header: readHeader(h, V.PACS004_MSG_DEF_IDR), ...ret });

    expect(XMLValidator.validate(xml)).toBe(true);
    const env = thirdParty.parse(xml).Envelope as N;
    expect(env['@_xmlns']).toBe('https://www.bcb.gov.br/pi/pacs.004/1.5');
    expect(env.AppHdr.MsgDefIdr).toBe('pacs.004.spi.1.5');
    const rtr = env.Document.PmtRtr;
    expect(rtr.GrpHdr).toEqual({ MsgId: h.bizMsgIdr, CreDtTm: at.toISOString(), NbOfTxs: '1', SttlmInf: { SttlmMtd: 'CLRG' } });
    expect(rtr.TxInf).toMatchObject({ RtrId: ret.returnId, OrgnlEndToEndId: e2e, RtrdIntrBkSttlmAmt: { '@_Ccy': 'BRL', '#text': amount.toFixed(2) } });
    expect(rtr.TxInf.RtrRsnInf.Rsn.Cd).toBe('MD06');
    // The original payment's agents, taken from the ids: payer's PSP from the EndToEndId, the returning PSP from the RtrId.
    expect(rtr.TxInf.OrgnlTxRef.DbtrAgt.FinInstnId.ClrSysMmbId.MmbId).toBe(VIRTUAL);
    expect(rtr.TxInf.OrgnlTxRef.CdtrAgt.FinInstnId.ClrSysMmbId.MmbId).toBe(PSP);
  }
});

test('a pacs.008 read by readInbound is what readPacs008 reads', () => {
  const random = seeded(7);
  for (let i = 0; i < 50; i++) {
    const message = randomMessage(random);
    const xml = renderPacs008(message, header(V.SPI_ISPB, message.recebedor.ispb));
    expect(read(xml)).toEqual({ kind: 'pacs.008', ...readPacs008(xml) });
  }
});

test('renderers refuse what readInbound would refuse, rather than write it', () => {
  const h = header();
  expect(() => renderPacs002({ originalEndToEndId: e2e, status: 'RJCT' }, h)).toThrow(RangeError);
  expect(() => renderPacs002({ originalEndToEndId: e2e, status: 'ACSP', reason: 'AC03' }, h)).toThrow(RangeError);
  expect(() => renderPacs002({ originalEndToEndId: 'E1', status: 'ACSP' }, h)).toThrow(RangeError);
  const ret = { returnId: newReturnId(PSP, at), originalEndToEndId: e2e, amount: 1, reason: 'BE08' };
  for (const bad of [{ amount: 0 }, { amount: 0.001 }, { amount: 1e10 }, { returnId: e2e }, { reason: 'md06' }]) {
    expect(() => renderPacs004({ ...ret, ...bad }, h)).toThrow(RangeError);
  }
});

describe('readInbound refuses bad input with an Iso20022ReadError naming the problem and field', () => {
  const rjct = renderPacs002({ originalEndToEndId: e2e, status: 'RJCT', reason: 'AB03' }, header());
  const acsp = renderPacs002({ originalEndToEndId: e2e, status: 'ACSP' }, header());
  const ret = renderPacs004({ returnId: newReturnId(PSP, at), originalEndToEndId: e2e, amount: 123.45, reason: 'FR01' }, header());
  const pacs008 = renderPacs008(randomMessage(seeded(1)), header(V.SPI_ISPB, PSP));
  const T2 = 'Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts';
  const T4 = 'Envelope/Document/PmtRtr/TxInf';
  const body = rjct.slice(rjct.indexOf('<Envelope'));
  const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
  const bad: [string, string, Iso20022ReadError['problem'], string | undefined][] = [
    ['no OrgnlEndToEndId', rjct.replace(/<OrgnlEndToEndId>.*?<\/OrgnlEndToEndId>/, ''), 'missing', `${T2}/OrgnlEndToEndId`],
    ['an OrgnlEndToEndId in month 20', rjct.replace(/(<OrgnlEndToEndId>E\w{8}\d{4})\d\d/, '$120'), 'invalid', `${T2}/OrgnlEndToEndId`],
    ['a D id as OrgnlEndToEndId', rjct.replace(/<OrgnlEndToEndId>E/, '<OrgnlEndToEndId>D'), 'invalid', `${T2}/OrgnlEndToEndId`],
    ['RJCT without a reason', rjct.replace(/<StsRsnInf>.*<\/StsRsnInf>/, ''), 'missing', `${T2}/StsRsnInf`],
    ['ACSP with a reason', acsp.replace('</TxSts>', '</TxSts><StsRsnInf><Rsn><Cd>AC03</Cd></Rsn></StsRsnInf>'), 'invalid', `${T2}/StsRsnInf`],
    ['a status only the SPI sends', acsp.replace('>ACSP<', '>ACSC<'), 'invalid', `${T2}/TxSts`],
    ['a lower-case reason code', rjct.replace('>AB03<', '>ab03<'), 'invalid', `${T2}/StsRsnInf/Rsn/Cd`],
    ['two transactions in one report', rjct.replace(/(<TxInfAndSts>.*<\/TxInfAndSts>)/, '$1$1'), 'repeated', T2],
    ['a bad RtrId', ret.replace(/<RtrId>D/, '<RtrId>E'), 'invalid', `${T4}/RtrId`],
    ['an amount with 3 decimals', ret.replace('>123.45<', '>123.456<'), 'invalid', `${T4}/RtrdIntrBkSttlmAmt`],
    ['an amount of 0', ret.replace('>123.45<', '>0.00<'), 'invalid', `${T4}/RtrdIntrBkSttlmAmt`],
    ['a negative amount', ret.replace('>123.45<', '>-1.00<'), 'invalid', `${T4}/RtrdIntrBkSttlmAmt`],
    ['dollars', ret.replace('Ccy="BRL"', 'Ccy="USD"'), 'invalid', `${T4}/RtrdIntrBkSttlmAmt/@Ccy`],
    ['no return reason', ret.replace(/<RtrRsnInf>.*<\/RtrRsnInf>/, ''), 'missing', `${T4}/RtrRsnInf`],
    ['MsgId other than BizMsgIdr', ret.replace(/<MsgId>\w+</, `<MsgId>${newBizMsgIdr(PSP)}<`), 'invalid', 'Envelope/Document/PmtRtr/GrpHdr/MsgId'],
    ['a pacs.008 MsgId other than BizMsgIdr', pacs008.replace(/<MsgId>\w+</, `<MsgId>${newBizMsgIdr(PSP)}<`), 'invalid', 'Envelope/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId'],
    ['a bad BizMsgIdr', acsp.replace(/<BizMsgIdr>M/, '<BizMsgIdr>X'), 'invalid', 'Envelope/AppHdr/BizMsgIdr'],
    ['a pacs.002 MsgDefIdr in the pacs.004 namespace', rjct.replace(V.PACS002_NAMESPACE, V.PACS004_NAMESPACE), 'wrong-message', 'Envelope'],
    ['namespace of another pacs.002 version', rjct.replace('pacs.002/1.17', 'pacs.002/1.16'), 'wrong-message', 'Envelope'],
    ['the ISO namespace of pacs.002', rjct.replace(V.PACS002_NAMESPACE, 'urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10'), 'wrong-message', 'Envelope'],
    ['Document in another namespace than Envelope', rjct.replace('<Document>', '<Document xmlns="urn:other">'), 'wrong-message', 'Envelope/Document'],
    ['an unknown MsgDefIdr', rjct.replace('pacs.002.spi.1.17', 'camt.060.spi.1.5'), 'wrong-message', 'Envelope/AppHdr/MsgDefIdr'],
    ['an admi.002 (ours to send, not to receive)', renderAdmi002({ rejectedBizMsgIdr: null, reason: 'X1', description: 'x' }, header(V.SPI_ISPB, PSP)), 'wrong-message', 'Envelope/AppHdr/MsgDefIdr'],
    ['an XML bomb', `<?xml version="1.0"?><!DOCTYPE Envelope [<!ENTITY lol0 "lol">${lol}]>${body.replace('>AB03<', '>&lol9;<')}`, 'forbidden-dtd', undefined],
    ['an external entity', `<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${body.replace('>AB03<', '>&xxe;<')}`, 'forbidden-dtd', undefined],
    ['an entity never declared', rjct.replace('>AB03<', '>&xxe;<'), 'malformed', undefined],
    ['a CDATA section', rjct.replace('>AB03<', '><![CDATA[AB03]]><'), 'forbidden-cdata', undefined],
    ['two root elements', `${acsp}<Envelope/>`, 'malformed', undefined],
    ['another root element', '<Document/>', 'wrong-message', undefined],
    ['text that is not XML', 'ACSP E12345678', 'malformed', undefined],
    ['JSON', JSON.stringify({ status: 'ACSP' }), 'malformed', undefined],
    ['an empty body', '', 'malformed', undefined],
  ];

  test.each(bad)('%s', (_name, input, problem, field) => {
    expect(input).not.toBe(rjct);
    let error: unknown;
    try {
      readInbound(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Iso20022ReadError);
    expect(error).toMatchObject({ problem, field });
  });

  test('indentation, comments and an unknown element (a real signature) still read the same message', () => {
    const pretty = rjct.replace(/></g, '>\n  <').replace('<Sgntr/>', '<Sgntr><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></Sgntr><!-- signed -->');
    expect(read(pretty)).toEqual(read(rjct));
  });

  test('a prefix instead of the default namespace is the same message', () => {
    const prefixed = rjct.replace(/<(\/?)(\w)/g, '<$1p:$2').replace(`<p:Envelope xmlns=`, '<p:Envelope xmlns:p=').replace('<p:Sgntr/>', '<p:Sgntr/>');
    expect(prefixed).toContain('<p:Envelope xmlns:p="https://www.bcb.gov.br/pi/pacs.002/1.17">');
    expect(read(prefixed)).toEqual(read(rjct));
  });
});

test('admi.002 with a hostile description stays well-formed: controls stripped, markup escaped, cut to 350 code points', () => {
  const description = `bad \u0000\u0007\uFFFE\uD800 input ]]> <script>alert("x")</script> & 'more' \t\n😀`;
  const h = header(V.SPI_ISPB, PSP);
  const rejectedBizMsgIdr = newBizMsgIdr(PSP, at);
  const xml = renderAdmi002({ rejectedBizMsgIdr, reason: 'AB09', description }, h);
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml).not.toContain('<script>');
  expect(xml).not.toContain(']]>');
  const env = thirdParty.parse(xml).Envelope as N;
  expect(env['@_xmlns']).toBe('https://www.bcb.gov.br/pi/admi.002/1.5');
  expect(env.AppHdr).toMatchObject({ MsgDefIdr: 'admi.002.spi.1.5', BizMsgIdr: h.bizMsgIdr });
  expect(env.AppHdr.Fr.FIId.FinInstnId.Othr.Id).toBe(V.SPI_ISPB);
  expect(env.AppHdr.To.FIId.FinInstnId.Othr.Id).toBe(PSP);
  const doc = env.Document['admi.002.001.01'];
  expect(doc.RltdRef.Ref).toBe(rejectedBizMsgIdr);
  expect(doc.Rsn).toEqual({
    RjctgPtyRsn: 'AB09',
    RjctnDtTm: at.toISOString(),
    RsnDesc: `bad  input ]]> <script>alert("x")</script> & 'more' \t\n😀`,
  });

  const long = renderAdmi002({ rejectedBizMsgIdr: `\u0001${'<'.repeat(40)}`, reason: 'X', description: '😀'.repeat(400) }, h);
  const rsn = thirdParty.parse(long).Envelope.Document['admi.002.001.01'];
  expect(rsn.RltdRef.Ref).toBe('<'.repeat(33));
  expect(rsn.Rsn.RsnDesc).toBe('😀'.repeat(350)); // no surrogate pair split
  const none = thirdParty.parse(renderAdmi002({ rejectedBizMsgIdr: null, reason: 'X', description: '\u0000' }, h)).Envelope.Document['admi.002.001.01'];
  expect(none).toEqual({ RltdRef: { Ref: 'NOTPROVIDED' }, Rsn: { RjctgPtyRsn: 'X', RjctnDtTm: at.toISOString() } });
  expect(() => renderAdmi002({ rejectedBizMsgIdr: null, reason: '<x>', description: '' }, h)).toThrow(RangeError);
});
