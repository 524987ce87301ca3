/**
 * signMessage writes the signature the SPI's own messages carry (#212): one
 * ds:Signature in AppHdr/Sgntr, exc-c14n and rsa-sha256 in SignedInfo, three
 * sha256 References in the SPI's order, KeyInfo Id="key-info-id" naming the
 * certificate by issuer and decimal serial. Read back with a DOM parser,
 * by namespace, not by string matching.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { createSigner, SigningError, verifySignature } from '../../src/signatures';
import { admi002, cert, FIXTURES, key, NOW, pacs002, pacs008, PARTICIPANT_ISPB, signerOf, SPI_ISPB } from './support';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

function dsAll(node: Document | Element, local: string): Element[] {
  return Array.from(node.getElementsByTagNameNS(DS, local));
}

function attr(el: Element, name: string): string | null {
  return el.hasAttribute(name) ? el.getAttribute(name) : null;
}

describe('signing an SPI message', () => {
  const signer = signerOf('participant');

  test('puts one ds:Signature in AppHdr/Sgntr with the SPI methods, references and KeyInfo', () => {
    const doc = new DOMParser().parseFromString(signer.sign(pacs008()), 'text/xml');
    const signatures = dsAll(doc, 'Signature');
    expect(signatures).toHaveLength(1);
    const signature = signatures[0]!;
    expect((signature.parentNode as Element).localName).toBe('Sgntr');
    expect((signature.parentNode!.parentNode as Element).localName).toBe('AppHdr');
    expect(signature.prefix).toBe('ds');

    expect(attr(dsAll(signature, 'CanonicalizationMethod')[0]!, 'Algorithm')).toBe(EXC);
    expect(attr(dsAll(signature, 'SignatureMethod')[0]!, 'Algorithm')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const references = dsAll(signature, 'Reference').map((r) => ({
      uri: attr(r, 'URI'),
      transforms: dsAll(r, 'Transform').map((t) => attr(t, 'Algorithm')),
      digest: attr(dsAll(r, 'DigestMethod')[0]!, 'Algorithm'),
      value: dsAll(r, 'DigestValue')[0]!.textContent,
    }));
    expect(references.map(({ value: _v, ...rest }) => rest)).toEqual([
      { uri: '#key-info-id', transforms: [EXC], digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
      { uri: '', transforms: [ENVELOPED, EXC], digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
      { uri: null, transforms: [EXC], digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
    ]);
    for (const r of references) expect(Buffer.from(r.value!, 'base64')).toHaveLength(32);
    expect(Buffer.from(dsAll(signature, 'SignatureValue')[0]!.textContent!, 'base64')).toHaveLength(256); // RSA 2048

    const keyInfo = dsAll(signature, 'KeyInfo')[0]!;
    expect(attr(keyInfo, 'Id')).toBe('key-info-id');
    expect(dsAll(keyInfo, 'X509Certificate')).toHaveLength(0);
    const serialHex = execFileSync('openssl', ['x509', '-in', path.join(FIXTURES, 'participant.crt'), '-noout', '-serial']).toString().trim().split('=')[1]!;
    expect(dsAll(keyInfo, 'X509SerialNumber')[0]!.textContent).toBe(BigInt(`0x${serialHex}`).toString(10));
    // RFC 4514: most significant RDN last, the comma in the CA's CN escaped.
    expect(dsAll(keyInfo, 'X509IssuerName')[0]!.textContent).toBe('CN=pix-stream Test CA\\, not for production,OU=SPI rehearsal,O=pix-stream,C=BR');
  });

  test('changes nothing but Sgntr, and gives the same bytes every time', () => {
    const unsigned = pacs008();
    const signed = signer.sign(unsigned);
    expect(signer.sign(unsigned)).toBe(signed);
    const withoutSignature = signed.replace(/<ds:Signature [^]*<\/ds:Signature>/, '');
    expect(withoutSignature).toBe(unsigned.replace('<Sgntr/>', '<Sgntr></Sgntr>'));
  });

  test('replaces an existing signature instead of adding a second', () => {
    const once = signer.sign(pacs008());
    const twice = signerOf('participant-other-ispb').sign(once);
    expect(dsAll(new DOMParser().parseFromString(twice, 'text/xml'), 'Signature')).toHaveLength(1);
    expect(verifySignature(twice, { certificates: [cert('participant-other-ispb')], expectedSender: PARTICIPANT_ISPB, now: NOW }).findings.map((f) => f.code)).toEqual(['certificate-not-senders']);
  });

  test.each([
    ['pacs.002', () => pacs002(), 'participant' as const, PARTICIPANT_ISPB],
    ['admi.002 from the SPI', () => admi002(), 'spi' as const, SPI_ISPB],
  ])('signs a %s that then verifies', (_kind, message, who, sender) => {
    const signed = signerOf(who).sign(message());
    const diagnosis = verifySignature(signed, { certificates: [cert(who)], expectedSender: sender, now: NOW });
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.verdict).toBe('valid');
  });

  test('keeps any prefix and namespace layout, and adds a Sgntr where the AppHdr has none', () => {
    const ns = 'https://www.bcb.gov.br/pi/pacs.002/1.17';
    const fiId = (ispb: string) => `<h:FIId><h:FinInstnId><h:Othr><h:Id>${ispb}</h:Id></h:Othr></h:FinInstnId></h:FIId>`;
    const prefixed =
      `<h:Envelope xmlns:h="${ns}" xmlns:unused="urn:example:unused"><h:AppHdr><h:Fr>${fiId(PARTICIPANT_ISPB)}</h:Fr><h:To>${fiId(SPI_ISPB)}</h:To>` +
      `<h:BizMsgIdr>M12345678ABCDEFGHIJKLMNOPQRSTUVW</h:BizMsgIdr><h:MsgDefIdr>pacs.002.spi.1.17</h:MsgDefIdr><h:CreDt>2026-12-07T11:59:00.000Z</h:CreDt>` +
      `<h:Rltd><h:BizMsgIdr>M87654321ABCDEFGHIJKLMNOPQRSTUVW</h:BizMsgIdr></h:Rltd></h:AppHdr>` +
      `<h:Document><h:FIToFIPmtStsRpt><h:GrpHdr><h:MsgId>M12345678ABCDEFGHIJKLMNOPQRSTUVW</h:MsgId></h:GrpHdr></h:FIToFIPmtStsRpt></h:Document></h:Envelope>`;
    const signed = signer.sign(prefixed);
    expect(signed).toContain('<h:CreDt>2026-12-07T11:59:00.000Z</h:CreDt><h:Sgntr><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">');
    expect(signed).toMatch(/<\/ds:Signature><\/h:Sgntr><h:Rltd>/);
    const diagnosis = verifySignature(signed, { certificates: [cert('participant')], now: NOW });
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.references.find((r) => r.role === 'AppHdr')!.canonical).toMatch(/^<h:AppHdr xmlns:h="https:\/\/www\.bcb\.gov\.br\/pi\/pacs\.002\/1\.17"><h:Fr>/);
  });

  test('refuses a key that is not the certificate’s, and a message that is not an Envelope', () => {
    expect(() => createSigner({ privateKey: key('participant-other-ispb'), certificatePem: cert('participant') })).toThrow(SigningError);
    expect(() => signer.sign('<Document/>')).toThrow(/root element is Document/);
    expect(() => signer.sign('not xml')).toThrow(SigningError);
  });
});
