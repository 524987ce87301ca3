/**
 * Each way a signature goes wrong gives its own finding, saying where and
 * what: the reference and both digests, the algorithm found and the one
 * required, the certificate and why it does not do. Every tampered message
 * here differs from a valid one by exactly the change the test names.
 */
import { createHash } from 'node:crypto';
import { verifySignature, type Diagnosis, type Finding, type VerifyOptions } from '../../src/signatures';
import { algorithms } from '../../src/signatures';
import { cert, mismatchedSigner, NOW, OTHER_ISPB, pacs008, PARTICIPANT_ISPB, signerOf, tamper } from './support';

const registered = [cert('participant')];
const verify = (xml: string, options: Partial<VerifyOptions> = {}): Diagnosis =>
  verifySignature(xml, { certificates: registered, expectedSender: PARTICIPANT_ISPB, now: NOW, ...options });
const codes = (d: Diagnosis) => d.findings.map((f) => f.code);
const finding = (d: Diagnosis, code: Finding['code']) => {
  const found = d.findings.find((f) => f.code === code);
  if (found === undefined) throw new Error(`no ${code} among ${JSON.stringify(codes(d))}`);
  return found;
};

const signed = signerOf('participant').sign(pacs008());

describe('what was altered after signing', () => {
  test('an altered Document: the Document reference, both digests', () => {
    const d = verify(tamper(signed, '<IntrBkSttlmAmt Ccy="BRL">1234.56<', '<IntrBkSttlmAmt Ccy="BRL">9234.56<'));
    expect(d.verdict).toBe('invalid');
    expect(codes(d)).toEqual(['document-altered']);
    const f = finding(d, 'document-altered');
    expect(f).toMatchObject({ severity: 'error', reference: 'Document' });
    const document = d.references.find((r) => r.role === 'Document')!;
    expect(f.expected).toBe(document.expectedDigest);
    expect(f.computed).toBe(document.computedDigest);
    expect(f.computed).not.toBe(f.expected);
    expect(document.canonical).toContain('>9234.56<');
    expect(d.signedInfo.signatureValueOk).toBe(true); // SignedInfo itself is intact
  });

  test('an altered AppHdr', () => {
    const d = verify(tamper(signed, /<BizMsgIdr>M12345678/, '<BizMsgIdr>M12345679'));
    expect(codes(d)).toEqual(['apphdr-altered']);
    expect(finding(d, 'apphdr-altered').reference).toBe('AppHdr');
  });

  test('an altered KeyInfo', () => {
    const d = verify(tamper(signed, 'OU=SPI rehearsal,O=pix-stream,C=BR</ds:X509IssuerName>', 'O=pix-stream,OU=SPI rehearsal,C=BR</ds:X509IssuerName>'));
    expect(codes(d)).toEqual(['keyinfo-altered', 'keyinfo-issuer-name-form']);
    expect(d.signer).not.toBeNull(); // the reordered name still finds the certificate
  });

  test('an altered SignatureValue', () => {
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1]!;
    const flipped = Buffer.from(value, 'base64');
    flipped[10] ^= 1;
    const d = verify(tamper(signed, value, flipped.toString('base64')));
    expect(codes(d)).toEqual(['signature-value-invalid']);
    expect(d.signedInfo.signatureValueOk).toBe(false);
  });

  test('a URI="" digested as plain XMLDSig reads it (the whole Envelope) is said to be that', () => {
    const envelope = verify(signed).references.find((r) => r.role === 'AppHdr')!;
    // What a bank using plain XMLDSig would have digested: the Envelope, signature removed.
    // (The renderers' text has no character exclusive c14n writes differently, but for the escaped quote.)
    const whole = signed.replace(/<\?xml[^>]*\?>/, '').replace(/<ds:Signature [^]*<\/ds:Signature>/, '').replace(/&quot;/g, '"');
    const wrongDigest = createHash('sha256').update(whole).digest('base64');
    const d = verify(tamper(signed, envelope.expectedDigest!, wrongDigest));
    expect(codes(d)).toContain('apphdr-digested-as-whole-document');
    expect(codes(d)).not.toContain('apphdr-altered');
  });
});

describe('algorithms other than the SPI’s', () => {
  test('sha1 digests: each reference says so, though its digest matches', () => {
    const d = verify(signerOf('participant', { algorithms: { digest: algorithms.SHA1 } }).sign(pacs008()));
    expect(codes(d)).toEqual(['digest-algorithm-not-allowed', 'digest-algorithm-not-allowed', 'digest-algorithm-not-allowed']);
    expect(d.findings.map((f) => f.reference)).toEqual(['KeyInfo', 'AppHdr', 'Document']);
    expect(d.findings[0]).toMatchObject({ found: algorithms.SHA1, required: algorithms.SHA256 });
    expect(d.references.every((r) => r.ok)).toBe(true);
    expect(d.verdict).toBe('invalid');
  });

  test('c14n 1.0 instead of exclusive c14n, in SignedInfo and in every reference', () => {
    const d = verify(signerOf('participant', { algorithms: { canonicalization: algorithms.C14N_10 } }).sign(pacs008()));
    const c14n = d.findings.filter((f) => f.code === 'canonicalization-not-allowed');
    expect(c14n.map((f) => f.reference)).toEqual(['SignedInfo', 'KeyInfo', 'AppHdr', 'Document']);
    expect(c14n[0]).toMatchObject({ found: algorithms.C14N_10, required: algorithms.EXC_C14N });
    expect(finding(d, 'transforms-not-required')).toMatchObject({ reference: 'KeyInfo', found: 'c14n 1.0 (http://www.w3.org/TR/2001/REC-xml-c14n-20010315)' });
    expect(d.signedInfo.signatureValueOk).toBe(true);
    // Inclusive c14n carries the ancestors' namespaces onto the KeyInfo: the octets show why digests differ between the two.
    expect(d.references[0]!.canonical).toMatch(/^<ds:KeyInfo xmlns="https:\/\/www\.bcb\.gov\.br\/pi\/pacs\.008\/1\.16" xmlns:ds=/);
  });

  test('rsa-sha1', () => {
    const d = verify(signerOf('participant', { algorithms: { signature: algorithms.RSA_SHA1 } }).sign(pacs008()));
    expect(codes(d)).toEqual(['signature-algorithm-not-allowed']);
    expect(finding(d, 'signature-algorithm-not-allowed')).toMatchObject({ found: algorithms.RSA_SHA1, required: algorithms.RSA_SHA256 });
  });
});

describe('the certificate', () => {
  test('unknown: KeyInfo names none of the registered certificates', () => {
    const d = verify(signed, { certificates: [cert('participant-other-ispb')] });
    expect(codes(d)).toEqual(['certificate-unknown', 'signature-value-not-checked']);
    expect(finding(d, 'certificate-unknown').found).toMatch(/^CN=pix-stream Test CA\\, not for production,.* \/ \d+$/);
    expect(d.signer).toBeNull();
    expect(verify(signed, { certificates: [] }).findings[0]!.required).toBe('(no certificate registered)');
  });

  test('expired, and not yet valid', () => {
    const expired = verify(signerOf('participant-expired').sign(pacs008()), { certificates: [cert('participant-expired')] });
    expect(codes(expired)).toEqual(['certificate-expired']);
    expect(finding(expired, 'certificate-expired')).toMatchObject({ found: '2021-01-01T00:00:00.000Z', required: `valid at ${NOW.toISOString()}` });
    const early = verify(signed, { now: new Date('2024-06-01T00:00:00Z') });
    expect(codes(early)).toEqual(['certificate-not-yet-valid']);
  });

  test('another ISPB’s: the CN is not the sender (the SPI’s "ISPB do remetente" check, #221)', () => {
    const d = verify(signerOf('participant-other-ispb').sign(pacs008()), { certificates: [cert('participant-other-ispb')] });
    expect(codes(d)).toEqual(['certificate-not-senders']);
    expect(finding(d, 'certificate-not-senders')).toMatchObject({ found: OTHER_ISPB, required: PARTICIPANT_ISPB });
    expect(d.signer!.ispb).toBe(OTHER_ISPB);
  });

  test('the wrong certificate: KeyInfo names one, another key signed', () => {
    const wrong = mismatchedSigner('participant-other-ispb', 'participant').sign(pacs008());
    expect(codes(verify(wrong))).toEqual(['signature-value-invalid']);
    const both = verify(wrong, { certificates: [cert('participant'), cert('participant-other-ispb')] });
    expect(codes(both)).toEqual(['signed-with-other-certificate']);
    expect(finding(both, 'signed-with-other-certificate').found).toMatch(/ \/ \d+$/);
  });

  test('a message from someone other than its AppHdr/Fr says', () => {
    expect(codes(verify(signed, { expectedSender: OTHER_ISPB }))).toEqual(['sender-mismatch', 'certificate-not-senders']);
  });
});

describe('a missing or malformed signature', () => {
  test('missing: verdict unsigned', () => {
    const d = verify(pacs008());
    expect(d.verdict).toBe('unsigned');
    expect(codes(d)).toEqual(['signature-missing']);
    expect(verify(pacs008().replace('<Sgntr/>', '')).verdict).toBe('unsigned');
  });

  test('no SignatureValue, no Document reference', () => {
    expect(codes(verify(signed.replace(/<ds:SignatureValue>[^<]*<\/ds:SignatureValue>/, '')))).toEqual(['signature-malformed']);
    const noDocumentRef = signed.replace(/<ds:Reference><ds:Transforms>[^]*?<\/ds:Reference>/, '');
    const d = verify(noDocumentRef);
    expect(codes(d)).toEqual(['reference-missing', 'signature-value-invalid']);
    expect(finding(d, 'reference-missing')).toMatchObject({ reference: 'Document', required: 'a Reference without URI' });
  });

  test('in the wrong place, or twice', () => {
    const signature = /<ds:Signature [^]*<\/ds:Signature>/.exec(signed)![0];
    const moved = signed.replace(signature, '').replace('</Document>', `${signature}</Document>`);
    expect(codes(verify(moved))).toEqual(['signature-misplaced', 'document-altered']);
    const doubled = signed.replace('</Document>', `${signature}</Document>`);
    expect(codes(verify(doubled))).toEqual(['signature-duplicated', 'document-altered']);
  });

  test('KeyInfo naming the certificate by its subject, or by a hexadecimal serial', () => {
    const subject = verify(tamper(signed, /<ds:X509IssuerName>[^<]*</, '<ds:X509IssuerName>CN=12345678,OU=SPI rehearsal,O=pix-stream,C=BR<'));
    expect(codes(subject)).toEqual(['keyinfo-altered', 'keyinfo-issuer-is-subject', 'signature-value-not-checked']);
    const serial = /<ds:X509SerialNumber>(\d+)</.exec(signed)![1]!;
    const hex = verify(tamper(signed, serial, BigInt(serial).toString(16).toUpperCase()));
    expect(codes(hex)).toContain('keyinfo-serial-not-decimal');
  });
});

describe('signature wrapping', () => {
  test('a second Document beside the signed one is refused, not chosen between', () => {
    const document = /<Document>[^]*<\/Document>/.exec(signed)![0];
    const d = verify(signed.replace('</Envelope>', `${document.replace('1234.56', '9999.99')}</Envelope>`));
    expect(codes(d)).toEqual(['envelope-malformed']);
  });

  test('an Id="key-info-id" planted in the Document does not stand in for the signature’s KeyInfo', () => {
    const d = verify(tamper(signed, '<FIToFICstmrCdtTrf>', '<FIToFICstmrCdtTrf Id="key-info-id">'));
    expect(codes(d)).toEqual(['document-altered']);
    expect(d.references[0]!.canonical).toMatch(/^<ds:KeyInfo /);
  });
});

describe('input that is not a message', () => {
  test.each([
    ['empty', '', 'xml-malformed'],
    ['not XML', 'this is not xml', 'xml-malformed'],
    ['truncated', signed.slice(0, 2000), 'xml-malformed'],
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE a [<!ENTITY x "xx">]><Envelope>&x;</Envelope>', 'doctype-refused'],
    ['another root', '<Document xmlns="urn:x"/>', 'envelope-malformed'],
    ['no Document', '<Envelope><AppHdr/></Envelope>', 'envelope-malformed'],
  ])('%s gives a finding, never an exception', (_name, xml, code) => {
    const d = verify(xml);
    expect(d.verdict).toBe('invalid');
    expect(codes(d)).toEqual([code]);
  });
});
