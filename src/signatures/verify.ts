/**
 * verifySignature: checks an SPI message's signature the way the SPI does and
 * returns a Diagnosis instead of a yes/no. It never throws for anything in the
 * message: every problem, however malformed the input, becomes a finding.
 *
 * Order of the checks (each runs whatever the others found, so one message
 * gets all its findings at once): the message parses and has an AppHdr and a
 * Document; exactly one ds:Signature, in AppHdr/Sgntr; its structure; the
 * algorithms against the policy; each reference's digest; the certificate
 * KeyInfo names, among those registered for the sender, valid at `now`, and
 * the sender's; the signature value with that certificate's key.
 */
import { describeAlgorithm, SPI_POLICY, type SignaturePolicy } from './algorithms.js';
import { transformElement, verifyWith } from './canonical.js';
import { defaultCertificateCache, loadCertificates, validityAt, type CertificateCache, type CertificateInfo } from './certificates.js';
import { emptySignedInfo, verdictOf, type Diagnosis, type Finding, type SignedInfoReport, type SignerReport } from './diagnosis.js';
import { matchKeyInfo, readKeyInfo } from './key-info.js';
import { checkReferences } from './references.js';
import { readSignature, type SignatureModel } from './signature-element.js';
import { allSignatures, isWithin, locateParts, parseXml, type SpiMessageParts } from './spi-message.js';

export interface VerifyOptions {
  /** PEM certificates registered for the sender's ISPB (may be empty: every signature is then from an unknown certificate). */
  certificates: readonly string[];
  /** The ISPB the message must come from; defaults to the message's own AppHdr/Fr. */
  expectedSender?: string | null;
  /** The instant certificates must be valid at (a Date, or a clock). Default: now. */
  now?: Date | (() => Date);
  /** Required algorithms. Default: SPI_POLICY (exc-c14n, sha256, rsa-sha256). */
  policy?: SignaturePolicy;
  /** Parsed-certificate cache; null parses every certificate afresh. Default: a process-wide LRU. */
  certificateCache?: CertificateCache | null;
}

function signerReport(cert: CertificateInfo): SignerReport {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialDecimal,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    ispb: cert.ispb,
    fingerprint256: cert.fingerprint256,
  };
}

function checkPolicy(model: SignatureModel, policy: SignaturePolicy, findings: Finding[]): void {
  if (model.canonicalization !== null && !policy.canonicalization.includes(model.canonicalization)) {
    findings.push({ code: 'canonicalization-not-allowed', severity: 'error', reference: 'SignedInfo', message: `SignedInfo is canonicalized with ${describeAlgorithm(model.canonicalization)}, which the SPI does not accept`, found: model.canonicalization, required: policy.canonicalization.join(' or ') });
  }
  if (model.signatureAlgorithm !== null && !policy.signature.includes(model.signatureAlgorithm)) {
    findings.push({ code: 'signature-algorithm-not-allowed', severity: 'error', message: `the signature is ${describeAlgorithm(model.signatureAlgorithm)}, which the SPI does not accept`, found: model.signatureAlgorithm, required: policy.signature.join(' or ') });
  }
}

function checkCertificate(cert: CertificateInfo, sender: string | null, now: Date, findings: Finding[]): void {
  const validity = validityAt(cert, now);
  if (validity === 'expired') {
    findings.push({ code: 'certificate-expired', severity: 'error', message: `the signing certificate expired on ${cert.notAfter.toISOString()}`, found: cert.notAfter.toISOString(), required: `valid at ${now.toISOString()}` });
  } else if (validity === 'not-yet-valid') {
    findings.push({ code: 'certificate-not-yet-valid', severity: 'error', message: `the signing certificate is valid only from ${cert.notBefore.toISOString()}`, found: cert.notBefore.toISOString(), required: `valid at ${now.toISOString()}` });
  }
  if (cert.ispb === null) {
    findings.push({ code: 'certificate-cn-not-ispb', severity: 'warning', message: "the signing certificate's CN is not an ISPB, so it cannot be matched to the sender; it is trusted here only because it is registered for the sender", found: cert.cn ?? '(no CN)' });
  } else if (sender !== null && cert.ispb !== sender) {
    findings.push({ code: 'certificate-not-senders', severity: 'error', message: `the signing certificate belongs to ISPB ${cert.ispb}, not to the sender ${sender}`, found: cert.ispb, required: sender });
  }
}

/** Checks SignatureValue with `cert`; when it fails, says whether another registered certificate's key made it. */
function checkSignatureValue(model: SignatureModel, canonical: string, cert: CertificateInfo, registered: readonly CertificateInfo[], findings: Finding[]): boolean | null {
  if (model.signatureAlgorithm === null || model.signatureValue === null) return null;
  const ok = verifyWith(model.signatureAlgorithm, canonical, cert.publicKey, model.signatureValue);
  if (ok === null) {
    findings.push({ code: 'algorithm-unsupported', severity: 'error', message: `SignatureMethod ${model.signatureAlgorithm} is not one this verifier implements`, found: model.signatureAlgorithm });
  } else if (!ok) {
    const other = registered.find((c) => c !== cert && verifyWith(model.signatureAlgorithm!, canonical, c.publicKey, model.signatureValue!) === true);
    if (other !== undefined) {
      findings.push({ code: 'signed-with-other-certificate', severity: 'error', message: 'SignatureValue was made with the key of another registered certificate than the one KeyInfo names', found: `${other.issuer} / ${other.serialDecimal}`, required: `${cert.issuer} / ${cert.serialDecimal}` });
    } else {
      findings.push({ code: 'signature-value-invalid', severity: 'error', message: "SignatureValue does not verify over the canonical SignedInfo with the named certificate's key: SignedInfo changed after signing, or another key signed it" });
    }
  }
  return ok;
}

function failed(findings: Finding[], signed: boolean, sender: Diagnosis['sender'], signedInfo: SignedInfoReport = emptySignedInfo()): Diagnosis {
  return { verdict: verdictOf(findings, signed), signer: null, findings, references: [], signedInfo, sender };
}

/** The Diagnosis of `xml`'s signature (see the module comment); never throws for anything the message holds. */
export function verifySignature(xml: string, options: VerifyOptions): Diagnosis {
  try {
    return diagnose(xml, options);
  } catch (error) {
    // A defect of this verifier or of a library on input nobody foresaw: still an answer, never a crash.
    const detail = error instanceof Error ? error.message : String(error);
    return failed([{ code: 'verifier-error', severity: 'error', message: `the signature could not be checked: ${detail}` }], true, { appHdrFrom: null, expected: options.expectedSender ?? null });
  }
}

function diagnose(xml: string, options: VerifyOptions): Diagnosis {
  const policy = options.policy ?? SPI_POLICY;
  const now = typeof options.now === 'function' ? options.now() : (options.now ?? new Date());
  const expected = options.expectedSender ?? null;
  const parsed = parseXml(xml);
  if (!parsed.ok) return failed([{ code: parsed.code, severity: 'error', message: `the message is not readable XML: ${parsed.detail}` }], true, { appHdrFrom: null, expected });
  const located = locateParts(parsed.doc);
  if (!located.ok) return failed([{ code: 'envelope-malformed', severity: 'error', message: located.detail }], true, { appHdrFrom: null, expected });
  const parts: SpiMessageParts = located.parts;
  const sender = { appHdrFrom: parts.fromIspb, expected };
  const findings: Finding[] = [];
  if (expected !== null && parts.fromIspb !== expected) {
    findings.push({ code: 'sender-mismatch', severity: 'error', message: `AppHdr/Fr names ${parts.fromIspb ?? 'no ISPB'}, but the message came from ${expected}`, found: parts.fromIspb ?? '(none)', required: expected });
  }
  const signerIspb = expected ?? parts.fromIspb;

  const signatures = allSignatures(parsed.doc);
  const inSgntr = parts.sgntr === null ? [] : signatures.filter((s) => s.parentNode === parts.sgntr);
  if (signatures.length === 0) {
    findings.push({ code: 'signature-missing', severity: 'error', message: parts.sgntr === null ? 'the AppHdr has no Sgntr, and the message no signature' : 'AppHdr/Sgntr holds no ds:Signature: the SPI accepts only signed messages', required: 'AppHdr/Sgntr/ds:Signature' });
    return failed(findings, false, sender);
  }
  if (signatures.length > 1) findings.push({ code: 'signature-duplicated', severity: 'error', message: `the message holds ${signatures.length} ds:Signature elements; the SPI's has exactly one, in AppHdr/Sgntr`, found: String(signatures.length), required: '1' });
  const signature = inSgntr[0] ?? signatures[0]!;
  if (signature.parentNode !== parts.sgntr) {
    findings.push({ code: 'signature-misplaced', severity: 'error', message: `the ds:Signature is in ${(signature.parentNode as Element | null)?.nodeName ?? 'the document'}${isWithin(signature, parts.document) ? ' (inside the Document)' : ''}, not directly in AppHdr/Sgntr`, required: 'AppHdr/Sgntr/ds:Signature' });
  }

  const { model, findings: structural } = readSignature(signature);
  findings.push(...structural);
  checkPolicy(model, policy, findings);
  const { reports, findings: referenceFindings } = checkReferences(model, parts, policy);
  findings.push(...referenceFindings);

  const signedInfo: SignedInfoReport = { canonicalizationFound: model.canonicalization, signatureAlgorithmFound: model.signatureAlgorithm, canonicalBytes: null, signatureValueOk: null };
  if (model.signedInfo !== null && model.canonicalization !== null) {
    const c14n = transformElement(model.signedInfo, [model.canonicalization], null);
    if (c14n.ok) signedInfo.canonicalBytes = c14n.canonical;
    else findings.push({ code: 'algorithm-unsupported', severity: 'error', reference: 'SignedInfo', message: `SignedInfo cannot be canonicalized: ${c14n.problem}`, found: model.canonicalization });
  }

  const cache = options.certificateCache === undefined ? defaultCertificateCache : options.certificateCache;
  const registered: CertificateInfo[] = [];
  for (const loaded of loadCertificates(options.certificates, cache)) {
    if (loaded.ok) registered.push(loaded.cert);
    else findings.push({ code: 'certificate-unreadable', severity: 'warning', message: `registered certificate #${loaded.index + 1} cannot be read and was skipped: ${loaded.problem}` });
  }
  let signer: CertificateInfo | null = null;
  if (model.keyInfo !== null) {
    const match = matchKeyInfo(readKeyInfo(model.keyInfo), registered, signerIspb);
    findings.push(...match.findings);
    signer = match.cert;
  }
  if (signer !== null) {
    checkCertificate(signer, signerIspb, now, findings);
    if (signedInfo.canonicalBytes !== null) signedInfo.signatureValueOk = checkSignatureValue(model, signedInfo.canonicalBytes, signer, registered, findings);
  } else {
    findings.push({ code: 'signature-value-not-checked', severity: 'info', message: 'SignatureValue was not checked: no registered certificate matches KeyInfo' });
  }
  return { verdict: verdictOf(findings, true), signer: signer === null ? null : signerReport(signer), findings, references: reports, signedInfo, sender };
}
