/**
 * A correctly signed message verifies, and its Diagnosis carries what a bank
 * needs to compare with its own computation: the signer, and for every
 * reference and for SignedInfo the exact octets that were digested or signed
 * (checked here by digesting them again with Node's crypto).
 */
import { createHash } from 'node:crypto';
import { verifySignature } from '../../src/signatures';
import { cert, NOW, pacs008, PARTICIPANT_ISPB, signerOf } from './support';

describe('a correctly signed pacs.008', () => {
  const unsigned = pacs008();
  const signed = signerOf('participant').sign(unsigned);
  const diagnosis = verifySignature(signed, { certificates: [cert('participant')], expectedSender: PARTICIPANT_ISPB, now: NOW });

  test('is valid, with no finding', () => {
    expect(Buffer.byteLength(unsigned)).toBeGreaterThan(1700); // the ~2 KB pacs.008 the measurements use (1.8 KB unsigned)
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.verdict).toBe('valid');
    expect(diagnosis.sender).toEqual({ appHdrFrom: PARTICIPANT_ISPB, expected: PARTICIPANT_ISPB });
  });

  test('names its signer, with the ISPB read from the CN', () => {
    expect(diagnosis.signer).toMatchObject({
      subject: 'CN=12345678,OU=SPI rehearsal,O=pix-stream,C=BR',
      issuer: 'CN=pix-stream Test CA\\, not for production,OU=SPI rehearsal,O=pix-stream,C=BR',
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2035-12-31T23:59:59.000Z',
      ispb: PARTICIPANT_ISPB,
    });
    expect(diagnosis.signer!.serial).toMatch(/^\d{30,}$/);
  });

  test('reports each reference with the octets it digested', () => {
    expect(diagnosis.references.map((r) => [r.role, r.uri, r.ok])).toEqual([
      ['KeyInfo', '#key-info-id', true],
      ['AppHdr', '', true],
      ['Document', null, true],
    ]);
    for (const r of diagnosis.references) {
      expect(r.computedDigest).toBe(r.expectedDigest);
      expect(createHash('sha256').update(r.canonical!, 'utf8').digest('base64')).toBe(r.computedDigest);
    }
    const [keyInfo, appHdr, document] = diagnosis.references.map((r) => r.canonical!);
    expect(keyInfo).toMatch(/^<ds:KeyInfo xmlns:ds="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#" Id="key-info-id"><ds:X509Data>/);
    // The AppHdr without its signature, the Envelope's default namespace carried onto it.
    expect(appHdr).toMatch(/^<AppHdr xmlns="https:\/\/www\.bcb\.gov\.br\/pi\/pacs\.008\/1\.16"><Fr>/);
    expect(appHdr).toContain('<Sgntr></Sgntr></AppHdr>');
    expect(document).toMatch(/^<Document xmlns="https:\/\/www\.bcb\.gov\.br\/pi\/pacs\.008\/1\.16"><FIToFICstmrCdtTrf>/);
    // Exclusive c14n: text escaped as c14n escapes it, no quote escaping in text.
    expect(document).toContain('<Nm>Joana D’Arc &amp; Filhos &lt;Ltda&gt;</Nm>');
    expect(document).toContain('<Ustrd>Pagamento "teste" de assinatura, ção</Ustrd>');
  });

  test('reports SignedInfo as canonicalized and checked', () => {
    expect(diagnosis.signedInfo).toMatchObject({
      canonicalizationFound: 'http://www.w3.org/2001/10/xml-exc-c14n#',
      signatureAlgorithmFound: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      signatureValueOk: true,
    });
    expect(diagnosis.signedInfo.canonicalBytes).toMatch(/^<ds:SignedInfo xmlns:ds="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"><ds:CanonicalizationMethod Algorithm="[^"]+"><\/ds:CanonicalizationMethod>/);
  });

  test('stays valid when pretty-printed before signing, and with a clock instead of a date', () => {
    const pretty = unsigned.replace(/></g, '>\n  <').replace('<Sgntr/>', '<Sgntr>\n  </Sgntr>');
    const prettySigned = signerOf('participant').sign(pretty);
    expect(prettySigned.replace(/<ds:Signature [^]*<\/ds:Signature>/, '')).toBe(pretty);
    const d = verifySignature(prettySigned, { certificates: [cert('participant')], now: () => NOW });
    expect(d.findings).toEqual([]);
    expect(d.verdict).toBe('valid');
  });

  test('verifies among several registered certificates, and with no certificate cache', () => {
    const d = verifySignature(signed, { certificates: [cert('participant-expired'), cert('participant')], now: NOW, certificateCache: null });
    expect(d.verdict).toBe('valid');
    expect(d.signer!.notAfter).toBe('2035-12-31T23:59:59.000Z');
  });
});
