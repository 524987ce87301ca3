/**
 * A posted message as the SPI hands it on to the participant it is for: the
 * SPI's own AppHdr (Fr = 00038166, To = that participant, a BizMsgIdr of the
 * SPI's, CreDt now, Sgntr of the SPI's) in place of the sender's, and
 * GrpHdr/MsgId and CreDtTm to match, as in the catalogue's example of a
 * pacs.008 the SPI delivers (pacs.008_END_1_msg.xml: Fr 00038166, To the
 * receiver, MsgId = BizMsgIdr = M00038166…). Everything else is the sender's
 * document as posted, character for character, prefixes included: the new
 * AppHdr is written with the prefix (and any namespace declarations) of the
 * one it replaces, so it stays in the message's namespace.
 *
 * Spliced by the offsets the reader recorded (xml-tree.ts), not rebuilt from
 * the tree: rebuilding cost 25 µs a message, 4 % of the API's CPU in the
 * inbound bench (docs/performance.md).
 */
import { renderAppHdr } from './envelope.js';
import type { XmlElement } from './xml-tree.js';
import { escapeAttr, escapeText as x } from './xml.js';

export interface ForwardHeader {
  bizMsgIdr: string;
  from: string;
  to: string;
  createdAt: Date;
}

function only(parent: XmlElement, name: string): XmlElement {
  return parent.children.find((c) => c.ns === parent.ns && c.name === name)!;
}

/**
 * The document the SPI delivers for `xml`, whose parsed `envelope` readInbound
 * accepted (so AppHdr, Document, its body and GrpHdr/MsgId and CreDtTm are
 * there): `msgDefIdr` as read, `header` the SPI's.
 */
export function forwardedBySpi(xml: string, envelope: XmlElement, msgDefIdr: string, header: ForwardHeader): string {
  const appHdr = only(envelope, 'AppHdr');
  const body = only(envelope, 'Document').children.find((c) => c.ns === envelope.ns)!;
  const grpHdr = only(body, 'GrpHdr');
  const [msgId, created] = [only(grpHdr, 'MsgId'), only(grpHdr, 'CreDtTm')];
  const prefix = appHdr.prefix ? `${appHdr.prefix}:` : '';
  const declarations = Object.entries(appHdr.declarations).map(([name, uri]) => ` ${name}="${escapeAttr(uri)}"`).join('');
  const replacements: [XmlElement['at'], string, boolean][] = [
    [appHdr.at, renderAppHdr(msgDefIdr, header, prefix, declarations), true],
    [msgId.at, x(header.bizMsgIdr), false],
    [created.at, header.createdAt.toISOString(), false],
  ];
  replacements.sort((a, b) => a[0].start - b[0].start);
  let out = '';
  let from = 0;
  for (const [at, text, whole] of replacements) {
    out += xml.slice(from, whole ? at.start : at.contentStart) + text;
    from = whole ? at.end : at.contentEnd;
  }
  return out + xml.slice(from);
}
