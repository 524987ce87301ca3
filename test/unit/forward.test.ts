/**
 * forwardedBySpi splices the SPI's AppHdr into a posted document: checked
 * with @xmldom/xmldom that the result is well-formed, the new AppHdr is in the
 * message's namespace whatever prefix or declaration the sender used, and the
 * rest is the sender's text.
 */
import { forwardedBySpi } from '../../src/iso20022/forward';
import { readInbound } from '../../src/iso20022/inbound';
import { bankPacs008, PACS008_NS } from '../support/bank-pacs008';
import { documentLeaves, SPI_ISPB, spiView } from '../support/spi-dom';

const header = { bizMsgIdr: `M${SPI_ISPB}0ABCDEFGHabcdefghij12345`, from: SPI_ISPB, to: '22223333', createdAt: new Date('2026-12-07T10:00:00.000Z') };

function forward(xml: string): string {
  const read = readInbound(xml);
  return forwardedBySpi(read.xml, read.envelope, read.header.msgDefIdr, header);
}

const sent = bankPacs008({ payer: '11112222', receiver: '22223333' });
const signature = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>';

it.each([
  ['the default namespace, indented', sent.xml],
  ['an env: prefix', bankPacs008({ payer: '11112222', receiver: '22223333', prefix: 'env' }).xml],
  ['AppHdr declaring the namespace itself', sent.xml.replace('<AppHdr>', `<AppHdr xmlns="${PACS008_NS}">`)],
  ['AppHdr under a prefix of its own', sent.xml.replace(/<(\/?)AppHdr>/g, '<$1h:AppHdr>').replace('<h:AppHdr>', `<h:AppHdr xmlns:h="${PACS008_NS}">`).replace(/<(\/?)(Fr|To|BizMsgIdr|MsgDefIdr|CreDt|FIId|FinInstnId|Othr|Id)>(?=[^]*<\/h:AppHdr>)/g, '<$1h:$2>').replace('<Sgntr/>', '<h:Sgntr/>')],
  ['a sender’s signature in Sgntr', sent.xml.replace('<Sgntr/>', `<Sgntr>${signature}</Sgntr>`)],
])('%s: the SPI AppHdr in the namespace, the Document the sender’s', (_label, xml) => {
  const out = forward(xml);
  const view = spiView(out);
  expect(view.ns).toBe(PACS008_NS);
  expect(view.header).toEqual({ from: SPI_ISPB, to: '22223333', bizMsgIdr: header.bizMsgIdr, msgDefIdr: 'pacs.008.spi.1.16', createdAt: '2026-12-07T10:00:00.000Z' });
  expect(documentLeaves(view)).toEqual(documentLeaves(spiView(xml)));
  expect(out).not.toContain('ds:Signature');
  expect(out.slice(out.lastIndexOf('</'))).toBe(xml.slice(xml.lastIndexOf('</')));
});
